package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The pad contract: F.pad with constant, reflect, replicate and circular modes, PyTorch 1.13 limits. */
public final class Pad {
    public static final String OP = "pad";

    private Pad() {
    }

    public static Shape outputShape(Shape input, PadAttrs a) {
        return plan(input, a).out;
    }

    public static Tensor apply(PadKernel kernel, Tensor input, PadAttrs a) {
        Plan p = plan(input.shape(), a);
        float[] y = new float[p.out.size()];
        if (y.length > 0) {
            kernel.pad(p.geometry, a.mode(), a.fill(), input.buffer(), y);
        }
        return Tensor.wrap(p.out, y);
    }

    private record Plan(PadGeometry geometry, Shape out) {
    }

    private static Plan plan(Shape xs, PadAttrs a) {
        int[] pads = a.pads();
        int r = xs.rank();
        int padded = pads.length / 2;
        OpException.check(pads.length <= 2 * r, OP, "pad_length", "padding length too large, got " + pads.length + " values for input of size " + xs);
        PadMode mode = a.mode();
        boolean rankOk = switch (mode) {
            case CONSTANT -> r >= padded;
            case REFLECT, REPLICATE -> r == padded + 1 || r == padded + 2;
            case CIRCULAR -> r == padded + 2;
        };
        OpException.check(rankOk, OP, "pad_mode_rank", mode + " padding of " + pads.length + " values is not supported for " + r
                + "-D input, got input of size " + xs);
        if (mode == PadMode.REFLECT || mode == PadMode.REPLICATE) {
            // The batch dimension (if any) may be 0; the others may not.
            int first = r == padded + 2 ? 1 : 0;
            for (int d = first; d < r; d++) {
                OpException.check(xs.dim(d) > 0, OP, "empty_input", mode + " padding needs non-zero channel and spatial sizes, got input of size " + xs);
            }
        }
        checkModeLimits(OP, xs, pads, mode);
        int[] out = xs.toArray();
        for (int i = 0; i < padded; i++) {
            int d = r - 1 - i;
            long size = (long) xs.dim(d) + pads[2 * i] + pads[2 * i + 1];
            OpException.check(size >= 0, OP, "output_size_too_small", "the input size " + xs.dim(d) + ", plus padding " + pads[2 * i]
                    + " and " + pads[2 * i + 1] + " resulted in a negative output size " + size + " at dimension " + d);
            out[d] = (int) size;
        }
        boolean anyPositive = false;
        boolean anyEmptyOut = false;
        boolean allEmptyOut = true;
        for (int i = 0; i < padded; i++) {
            anyPositive |= pads[2 * i] > 0 || pads[2 * i + 1] > 0;
            anyEmptyOut |= out[r - 1 - i] == 0;
            allEmptyOut &= out[r - 1 - i] == 0;
        }
        boolean emptyOk = switch (mode) {
            // constant_pad_nd: a pure crop (no pad > 0) is a narrow and may reach 0; otherwise every padded
            // dimension must come out > 0 ("resulted in a negative output size").
            case CONSTANT -> !anyPositive || !anyEmptyOut;
            // reflection/replication_pad1d need output W >= 1; the 2-D forms refuse only H and W both < 1.
            case REFLECT, REPLICATE -> !allEmptyOut;
            // _pad_circular only refuses negative sizes.
            case CIRCULAR -> true;
        };
        OpException.check(emptyOk, OP, "output_size_too_small",
                "padding of input size " + xs + " by " + java.util.Arrays.toString(pads) + " gives an empty dimension, got output size "
                        + java.util.Arrays.toString(out));
        int inW = xs.dim(r - 1), outW = out[r - 1];
        int inH = padded == 2 ? xs.dim(r - 2) : 1, outH = padded == 2 ? out[r - 2] : 1;
        int outer = 1;
        for (int d = 0; d < r - padded; d++) {
            outer *= xs.dim(d);
        }
        int top = padded == 2 ? pads[2] : 0;
        return new Plan(new PadGeometry(outer, inH, inW, outH, outW, top, pads[0]), Shape.of(out));
    }

    /** Reflect needs every pad below the size; circular at most the size (wrapping around once). */
    static void checkModeLimits(String op, Shape xs, int[] pads, PadMode mode) {
        int r = xs.rank();
        for (int i = 0; i < pads.length / 2; i++) {
            int d = r - 1 - i, size = xs.dim(d), lo = pads[2 * i], hi = pads[2 * i + 1];
            if (mode == PadMode.REFLECT) {
                OpException.check(lo < size && hi < size, op, "reflect_pad_too_large",
                        "padding size should be less than the corresponding input dimension, got padding (" + lo + ", " + hi
                                + ") at dimension " + d + " of input size " + size);
            } else if (mode == PadMode.CIRCULAR) {
                OpException.check(lo <= size && hi <= size, op, "circular_pad_too_large",
                        "padding value causes wrapping around more than once, got padding (" + lo + ", " + hi + ") at dimension " + d
                                + " of input size " + size);
            }
        }
    }

    /** A padded copy of a 4-D tensor (pads in F.pad order, H and W), used by conv2d's padding modes. */
    static Tensor materialize(Tensor x, int[] pads, PadMode mode) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = h + pads[2] + pads[3], ow = w + pads[0] + pads[1];
        float[] src = x.buffer();
        float[] dst = new float[n * c * oh * ow];
        for (int plane = 0; plane < n * c; plane++) {
            for (int i = 0; i < oh; i++) {
                int si = mode.source(i - pads[2], h);
                for (int j = 0; j < ow; j++) {
                    int sj = mode.source(j - pads[0], w);
                    dst[(plane * oh + i) * ow + j] = si < 0 || sj < 0 ? 0f : src[(plane * h + si) * w + sj];
                }
            }
        }
        return Tensor.wrap(Shape.of(n, c, oh, ow), dst);
    }

    public static PadAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        PadMode mode = PadMode.fromTorch(OP, "pad_mode", t.string("mode", "constant"));
        Float value = t.has("value") ? (float) t.number("value", 0) : null;
        return new PadAttrs(t.ints("pad"), mode, value);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, PadKernel.class, List.of("input"), (kernel, attrs, in) -> {
        return Map.of("output", apply((PadKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs)));
    });

    /** A copy: bit-exact. Padding shifts what an output sees, it does not widen it. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())));
}
