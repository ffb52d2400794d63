package io.opsgi.onnx;

import static io.opsgi.onnx.Importer.longsToList;
import static io.opsgi.onnx.Importer.refuse;
import static io.opsgi.onnx.Importer.str;

import io.opsgi.onnx.Importer.Data;
import io.opsgi.onnx.proto.Onnx.AttributeProto;
import io.opsgi.onnx.proto.Onnx.NodeProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 1-D convolutions and pools (input (N, C, L), PyTorch's Conv1d, ConvTranspose1d, MaxPool1d, AvgPool1d) as
 * the 2-D lowering of the same node with H = 1: the input viewed as (N, C, 1, L), the node's spatial attributes
 * given a leading H entry that leaves H alone (kernel_shape, strides and dilations 1, pads and output_padding
 * 0, output_shape 1), a weight (M, C/group, k) viewed as (M, C/group, 1, k), and the 2-D result (N, C', 1, L')
 * viewed back as (N, C', L').
 *
 * <p>Why that is the 1-D op exactly: ONNX (and PyTorch) define conv, conv-transpose and pools axis by axis
 * (output size, pads, auto_pad, ceil_mode and dilation per axis, ONNX's convPoolShapeInference), and a window
 * of one element with stride 1 and no padding maps H = 1 to H' = 1 (ceil_mode and SAME auto_pad add nothing:
 * the total H pad is (1 - 1)·1 + 1 - 1 = 0); each output then sums (or takes the max or average of) exactly the
 * terms of the 1-D window, the same terms in the same order, and count_include_pad counts 1 × the padded L window.
 * Pad on (N, C, L) (PyTorch's Conv1d padding_mode='reflect', AvgPool1d with count_include_pad) lifts the same way, its
 * pads of every axis given a 0 for H, and Resize/Upsample (F.interpolate of a 1-D signal) its scales, sizes and roi an
 * H entry that keeps H. 3-D convolutions and pools (5-D inputs) stay refused.
 */
final class Spatial1d {
    /** The attributes with one entry per spatial axis, and the H entry that leaves H alone. */
    private static final Map<String, Long> PER_AXIS = Map.of("kernel_shape", 1L, "strides", 1L, "dilations", 1L, "output_padding", 0L,
            "output_shape", 1L);
    /** Names no graph value can have (ONNX names are strings of the file; these hold a NUL). */
    private static final String LIFTED = "\0lifted:";

    private Spatial1d() {
    }

    /**
     * {@code twoD} for (N, C, H, W) inputs, and through it for (N, C, L) ones; other ranks refused in one line.
     * {@code input} is the name ONNX gives input 0 (X, or Pad's data).
     */
    static Lowering.Lower lifting(String input, Lowering.Lower twoD) {
        return m -> {
            Data x = m.data(0);
            int r = x.shape().rank();
            if (r == 4) {
                twoD.lower(m);
            } else if (r == 3) {
                lift(m, x, twoD);
            } else {
                throw refuse("the input " + input + " has shape " + x.shape() + "; only (N, C, L) and (N, C, H, W) inputs are supported (1-D and 2-D "
                        + m.node.getOpType() + ", not 3-D)");
            }
        };
    }

    private static void lift(Importer m, Data x, Lowering.Lower twoD) {
        NodeProto node = m.node;
        String name = m.nodeName();
        Map<String, Object> bound = new LinkedHashMap<>();
        NodeProto.Builder lifted = node.toBuilder().setName(name + "/2d").clearAttribute();
        lifted.setInput(0, LIFTED + "x");
        bound.put(LIFTED + "x", m.emit("/input2d", "reshape", List.of(x.layer()),
                Map.of("shape", longsToList(x.shape().dim(0), x.shape().dim(1), 1, x.shape().dim(2))), Map.of()));
        boolean pad = node.getOpType().equals("Pad");
        if (node.getOpType().equals("Resize") || node.getOpType().equals("Upsample")) {
            liftResizeInputs(m, x, lifted, bound);
        } else if (pad && m.opset >= 11) { // Pad's pads (an input from opset 11) span every axis: [n, c, l] begins, then ends
            lifted.setInput(1, LIFTED + "pads");
            bound.put(LIFTED + "pads", Const.vector(padsOfEveryAxis(Lowering.pads(m, 3), x)));
            if (node.getInputCount() > 3) {
                lifted.setInput(3, ""); // opset 18's axes: the lifted pads span every axis
            }
        } else if (!pad && m.in(1) instanceof Const w) { // Conv's and ConvTranspose's weight; one computed from the data is refused by the 2-D lowering
            if (w.rank() != 3) {
                throw refuse("the weight W has dims " + str(w.dims()) + "; a 1-D convolution (input " + x.shape() + ") takes a 3-D weight (M, C/group, k)");
            }
            lifted.setInput(1, LIFTED + "w");
            bound.put(LIFTED + "w", w.reshaped(w.dims()[0], w.dims()[1], 1, w.dims()[2]));
        }
        lifted.setOutput(0, LIFTED + "y");
        for (AttributeProto a : node.getAttributeList()) {
            lifted.addAttribute(pad && a.getName().equals("pads")
                    ? a.toBuilder().clearInts().addAllInts(java.util.Arrays.stream(padsOfEveryAxis(longs(a), x)).boxed().toList()).build()
                    : liftAttribute(a, x));
        }
        m.lowerAs(lifted.build(), bound, twoD);
        Data y = (Data) m.value(LIFTED + "y");
        if (y.shape().rank() != 4 || y.shape().dim(2) != 1) {
            throw refuse("the 2-D form of this 1-D node gives " + y.shape() + ", not (N, C, 1, L) (an importer bug, please report)");
        }
        m.set(0, m.emit("", "reshape", List.of(y.layer()), Map.of("shape", longsToList(y.shape().dim(0), y.shape().dim(1), y.shape().dim(3))), Map.of()));
    }

    /**
     * Resize's and Upsample's constant inputs given their H entry: scales [n, c, l] as [n, c, 1, l], sizes [n, c, l] as [n,
     * c, 1, l], a roi [n, c, l, n', c', l'] as [n, c, 0, l, n', c', 1, l'] (H cropped from 0 to 1: all of it). H stays 1 in
     * every coordinate mode: an output of length 1 maps to source 0 (tf_half_pixel_for_nn's 0.5 reads only index 0, the
     * row clamped at both ends). Empty inputs (absent scales or sizes) stay empty.
     */
    private static void liftResizeInputs(Importer m, Data x, NodeProto.Builder lifted, Map<String, Object> bound) {
        boolean legacy = m.node.getOpType().equals("Upsample") || m.opset < 11;
        String[] names = legacy ? new String[] {null, "scales"} : new String[] {null, "roi", "scales", "sizes"};
        for (int i = 1; i < names.length && i < m.node.getInputCount(); i++) {
            Const c = m.constOrNull(i);
            if (c == null || c.size() == 0) {
                continue; // absent, empty, or computed from the data: the 2-D lowering says what it needs
            }
            int per = names[i].equals("roi") ? 2 : 1; // the roi holds the starts, then the ends
            if (c.rank() != 1 || c.size() != 3 * per) {
                throw refuse("the " + names[i] + " has dims " + str(c.dims()) + "; a 1-D resize (input " + x.shape() + ") takes " + 3 * per + " values");
            }
            float[] f = c.isFloat() ? c.floats() : null;
            long[] v = c.isFloat() ? null : c.longs();
            int n = 4 * per;
            float[] ff = new float[n];
            long[] vv = new long[n];
            for (int k = 0, j = 0; k < n; k++) {
                boolean h = k % 4 == 2;
                float hf = names[i].equals("roi") ? (k < 4 ? 0f : 1f) : 1f;
                ff[k] = h ? hf : f == null ? 0 : f[j];
                vv[k] = h ? 1 : v == null ? 0 : v[j];
                j += h ? 0 : 1;
            }
            lifted.setInput(i, LIFTED + names[i]);
            bound.put(LIFTED + names[i], f != null ? Const.ofFloats(new long[] {n}, ff) : Const.ofLongs(new long[] {n}, vv));
        }
    }

    /** Pad's pads of every axis [n, c, l, n, c, l] as [n, c, 0, l, n, c, 0, l]; the 2-D lowering refuses N and C pads. */
    private static long[] padsOfEveryAxis(long[] p, Data x) {
        if (p.length != 6) {
            throw refuse("pads=" + str(p) + " for the input " + x.shape() + "; expected six values (begin and end of each axis)");
        }
        return new long[] {p[0], p[1], 0, p[2], p[3], p[4], 0, p[5]};
    }

    private static long[] longs(AttributeProto a) {
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A per-axis attribute given its H entry first ([b, e] pads as [0, b, 0, e]); every other attribute as it is. */
    private static AttributeProto liftAttribute(AttributeProto a, Data x) {
        long[] v = longs(a);
        if (a.getName().equals("pads")) {
            if (v.length != 2) {
                throw refuse("pads=" + str(v) + " for the input " + x.shape() + "; a 1-D op takes two values [begin, end]");
            }
            return a.toBuilder().clearInts().addAllInts(List.of(0L, v[0], 0L, v[1])).build();
        }
        Long h = PER_AXIS.get(a.getName());
        if (h == null) {
            return a;
        }
        if (v.length != 1) {
            throw refuse(a.getName() + "=" + str(v) + " for the input " + x.shape() + "; a 1-D op takes one value");
        }
        return a.toBuilder().clearInts().addAllInts(List.of(h, v[0])).build();
    }
}
