package io.opsgi.onnx;

import static io.opsgi.onnx.Importer.intsToList;
import static io.opsgi.onnx.Importer.longsToList;
import static io.opsgi.onnx.Importer.refuse;
import static io.opsgi.onnx.Importer.requireFloat;
import static io.opsgi.onnx.Importer.str;

import io.opsgi.onnx.Importer.Data;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each supported ONNX op: the attributes it accepts and how it is folded (all inputs known at import
 * time) or lowered onto opsgi layer types. ONNX semantics throughout: where ONNX and PyTorch differ
 * (Flatten's 2-D result, Softmax's axis before opset 13, ConvTranspose's pads and output_shape,
 * pool padding and auto_pad, Clip's bounds) the ONNX rule is translated here.
 */
final class Lowering {
    @FunctionalInterface
    interface Lower {
        void lower(Importer m);
    }

    record Op(Set<String> attributes, Lower lowering) {
    }

    static final Map<String, Op> OPS = new TreeMap<>();

    private static void op(String type, Lower l, String... attributes) {
        OPS.put(type, new Op(Set.of(attributes), l));
    }

    static {
        // data path
        op("Conv", Spatial1d.lifting("X", Lowering::conv), "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        op("ConvTranspose", Spatial1d.lifting("X", Lowering::convTranspose), "auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides");
        op("MaxPool", Spatial1d.lifting("X", m -> pool(m, "max_pool2d")), "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
        op("AveragePool", Spatial1d.lifting("X", m -> pool(m, "avg_pool2d")), "auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides");
        op("LpPool", Spatial1d.lifting("X", m -> pool(m, "lp_pool2d")), "auto_pad", "ceil_mode", "dilations", "kernel_shape", "p", "pads", "strides");
        op("GlobalAveragePool", Spatial1d.lifting("X", m -> global(m, "global_avg_pool2d")));
        op("GlobalMaxPool", Spatial1d.lifting("X", m -> global(m, "global_max_pool2d")));
        op("ReduceMean", m -> reduce(m, Reduction.MEAN), "axes", "keepdims", "noop_with_empty_axes");
        op("ReduceMax", m -> reduce(m, Reduction.MAX), "axes", "keepdims", "noop_with_empty_axes");
        op("ReduceMin", m -> reduce(m, Reduction.MIN), "axes", "keepdims", "noop_with_empty_axes");
        op("ReduceSum", m -> reduce(m, Reduction.SUM), "axes", "keepdims", "noop_with_empty_axes");
        op("ReduceSumSquare", m -> reduce(m, Reduction.SUM_SQUARE), "axes", "keepdims", "noop_with_empty_axes");
        op("ReduceL2", m -> reduce(m, Reduction.L2), "axes", "keepdims", "noop_with_empty_axes");
        op("ReduceL1", m -> reduce(m, Reduction.L1), "axes", "keepdims", "noop_with_empty_axes");
        op("ReduceLogSum", m -> reduce(m, Reduction.LOG_SUM), "axes", "keepdims", "noop_with_empty_axes");
        op("LayerNormalization", Lowering::layerNorm, "axis", "epsilon", "stash_type");
        op("InstanceNormalization", Lowering::instanceNorm, "epsilon");
        op("LRN", Lowering::lrn, "alpha", "beta", "bias", "size");
        op("BatchNormalization", Lowering::batchNorm, "epsilon", "momentum", "spatial", "training_mode");
        op("Relu", m -> activation(m, "relu", Map.of()));
        op("Sigmoid", m -> activation(m, "sigmoid", Map.of()));
        op("Tanh", m -> activation(m, "tanh", Map.of()));
        // ONNX log(exp(x) + 1); PyTorch's threshold 20 returns x above 20, where log1p(exp(x)) rounds to x in float32 anyway
        op("Softplus", m -> activation(m, "softplus", Map.of()));
        op("Softsign", m -> activation(m, "softsign", Map.of()));
        op("HardSwish", m -> activation(m, "hardswish", Map.of()));
        op("Sqrt", m -> activation(m, "sqrt", Map.of()));
        op("Erf", m -> activation(m, "erf", Map.of()));
        for (String f : List.of("Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Sign", "Exp", "Log")) {
            op(f, m -> activation(m, f.toLowerCase(java.util.Locale.ROOT), Map.of()));
        }
        op("Pow", Lowering::pow);
        op("LeakyRelu", m -> activation(m, "leaky_relu", Map.of("negative_slope", (double) m.attrFloat("alpha", 0.01f))), "alpha");
        op("Elu", m -> activation(m, "elu", Map.of("alpha", (double) m.attrFloat("alpha", 1f))), "alpha");
        op("Celu", m -> activation(m, "celu", Map.of("alpha", (double) m.attrFloat("alpha", 1f))), "alpha");
        op("Selu", Lowering::selu, "alpha", "gamma");
        op("HardSigmoid", m -> activation(m, "hardsigmoid", Map.of("alpha", (double) m.attrFloat("alpha", 0.2f), "beta", (double) m.attrFloat("beta", 0.5f))),
                "alpha", "beta");
        op("PRelu", Lowering::prelu);
        op("Clip", Lowering::clip, "max", "min");
        op("Softmax", m -> softmax(m, "softmax"), "axis");
        op("LogSoftmax", m -> softmax(m, "log_softmax"), "axis");
        op("Gemm", Lowering::gemm, "alpha", "beta", "transA", "transB");
        op("MatMul", Lowering::matmul);
        for (String b : List.of("Add", "Sub", "Mul", "Div")) {
            op(b, m -> binary(m, b.toLowerCase(java.util.Locale.ROOT)));
        }
        op("Max", m -> variadic(m, "maximum", false));
        op("Min", m -> variadic(m, "minimum", false));
        op("Sum", m -> variadic(m, "add", false));
        op("Mean", m -> variadic(m, "add", true));
        op("Concat", Lowering::concat, "axis");
        op("Split", Lowering::split, "axis", "num_outputs", "split");
        op("Flatten", Lowering::flatten, "axis");
        op("Reshape", Lowering::reshape, "allowzero");
        op("Transpose", Lowering::transpose, "perm");
        op("Expand", Lowering::expand);
        op("Tile", Lowering::tile);
        op("DepthToSpace", m -> blocks(m, true), "blocksize", "mode");
        op("SpaceToDepth", m -> blocks(m, false), "blocksize");
        op("Squeeze", m -> squeeze(m, false), "axes");
        op("Unsqueeze", m -> squeeze(m, true), "axes");
        op("Resize", Spatial1d.lifting("X", Lowering::resize), "antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
                "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode");
        op("Upsample", Spatial1d.lifting("X", Lowering::resize), "mode");
        op("Pad", Spatial1d.lifting("data", Lowering::pad), "mode", "pads", "value");
        op("Mish", m -> activation(m, "mish", Map.of()));
        op("GroupNormalization", Lowering::groupNorm, "epsilon", "num_groups");
        op("Identity", m -> m.set(0, m.in(0)));
        op("Dropout", Lowering::dropout, "ratio", "seed");
        // folded at import time (shape arithmetic)
        op("Constant", Folding::constant, "value", "value_float", "value_floats", "value_int", "value_ints");
        op("Shape", Folding::shape, "end", "start");
        op("Gather", Folding::gather, "axis");
        op("Slice", Folding::slice, "axes", "ends", "starts");
        op("Cast", Folding::cast, "to");
        op("ConstantOfShape", Folding::constantOfShape, "value");
        op("Range", Folding::range);
        op("Equal", Folding::equal);
        op("Where", Folding::where);
        op("ReduceProd", Folding::reduceProd, "axes", "keepdims", "noop_with_empty_axes");
    }

    private Lowering() {
    }

    // ------------------------------------------------------------------ convolutions

    private static Const weight4d(Importer m, int i, String what) {
        Const w = m.konst(i, what);
        requireFloat(w, "the weight " + what);
        if (w.rank() != 4) {
            throw refuse("the weight " + what + " has dims " + str(w.dims()) + "; only 2-D convolutions (4-D weights) are supported");
        }
        return w;
    }

    private static Data input4d(Importer m, String what) {
        Data x = m.data(0);
        if (x.shape().rank() != 4) {
            throw refuse("the input " + what + " has shape " + x.shape() + "; only 4-D (N, C, H, W) inputs are supported");
        }
        return x;
    }

    /** A 2-element spatial attribute (kernel_shape, strides, dilations), or the default. */
    private static int[] pair(Importer m, String name, int dflt) {
        long[] v = m.attrInts(name);
        if (v == null) {
            return new int[] {dflt, dflt};
        }
        if (v.length != 2) {
            throw refuse(name + "=" + str(v) + "; only 2-D (two values) is supported");
        }
        return new int[] {Math.toIntExact(v[0]), Math.toIntExact(v[1])};
    }

    /** ONNX pads [top, left, bottom, right] for 2-D, default zeros. */
    private static int[] pads(Importer m) {
        long[] v = m.attrInts("pads");
        if (v == null) {
            return new int[4];
        }
        if (v.length != 4) {
            throw refuse("pads=" + str(v) + "; only 2-D (four values) is supported");
        }
        return new int[] {Math.toIntExact(v[0]), Math.toIntExact(v[1]), Math.toIntExact(v[2]), Math.toIntExact(v[3])};
    }

    private static String autoPad(Importer m) {
        String a = m.attrString("auto_pad", "NOTSET");
        if (!Set.of("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID").contains(a)) {
            throw refuse("auto_pad='" + a + "'; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
        }
        return a;
    }

    private static Map<String, Tensor> weightAndBias(Const w, Const b) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("weight", w.tensor());
        if (b != null) {
            p.put("bias", b.tensor());
        }
        return p;
    }

    private static Const bias(Importer m, int i, long channels) {
        if (!m.has(i)) {
            return null;
        }
        Const b = m.konst(i, "B");
        requireFloat(b, "the bias B");
        if (b.rank() != 1 || b.dims()[0] != channels) {
            throw refuse("the bias B has dims " + str(b.dims()) + ", expected [" + channels + "]");
        }
        return b;
    }

    static void conv(Importer m) {
        Data x = input4d(m, "X");
        Const w = weight4d(m, 1, "W");
        int group = Math.toIntExact(m.attrInt("group", 1));
        checkKernelShape(m, w);
        Const b = bias(m, 2, w.dims()[0]);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("in_channels", Math.toIntExact(w.dims()[1] * group));
        a.put("out_channels", Math.toIntExact(w.dims()[0]));
        a.put("kernel_size", longsToList(w.dims()[2], w.dims()[3]));
        a.put("stride", intsToList(pair(m, "strides", 1)));
        String auto = autoPad(m);
        if (!auto.equals("NOTSET")) {
            a.put("auto_pad", auto);
        } else {
            int[] p = pads(m);
            if (p[0] == p[2] && p[1] == p[3]) {
                a.put("padding", intsToList(p[0], p[1]));
            } else {
                a.put("pads", intsToList(p));
            }
        }
        a.put("dilation", intsToList(pair(m, "dilations", 1)));
        a.put("groups", group);
        a.put("bias", b != null);
        m.set(0, m.emit("", "conv2d", List.of(x.layer()), a, weightAndBias(w, b)));
    }

    private static void checkKernelShape(Importer m, Const w) {
        long[] k = m.attrInts("kernel_shape");
        if (k != null && (k.length != 2 || k[0] != w.dims()[2] || k[1] != w.dims()[3])) {
            throw refuse("kernel_shape=" + str(k) + " does not match the weight's dims " + str(w.dims()));
        }
    }

    /**
     * ONNX ConvTranspose onto conv_transpose2d. The full (unpadded) output of size (i-1)s + d(k-1) + 1
     * is cropped by pads[begin] at the head and pads[end] at the tail and extended by output_padding
     * at the tail; output_shape or auto_pad decide the pads as ONNX Runtime 1.29 does (auto_pad SAME_UPPER
     * puts the odd one at the tail; an output_shape beyond the full output extends it at the tail). Symmetric pads with output_padding below the stride or dilation are
     * PyTorch's own form; anything else runs the transposed conv unpadded and crops (or extends with
     * zeros) with a pad of negative sizes, the bias then added after when the output grows.
     */
    static void convTranspose(Importer m) {
        Data x = input4d(m, "X");
        Const w = weight4d(m, 1, "W");
        int group = Math.toIntExact(m.attrInt("group", 1));
        checkKernelShape(m, w);
        long out = w.dims()[1] * group;
        Const b = bias(m, 2, out);
        int[] s = pair(m, "strides", 1), d = pair(m, "dilations", 1);
        int[] k = {(int) w.dims()[2], (int) w.dims()[3]};
        int[] op = pair(m, "output_padding", 0);
        int[] in = {x.shape().dim(2), x.shape().dim(3)};
        long[] outputShape = m.attrInts("output_shape");
        String auto = autoPad(m);
        int[] head = new int[2], tail = new int[2];
        int[] explicit = pads(m);
        for (int ax = 0; ax < 2; ax++) {
            long full = (long) (in[ax] - 1) * s[ax] + (long) d[ax] * (k[ax] - 1) + 1 + op[ax];
            if (outputShape != null) {
                if (outputShape.length != 2 && outputShape.length != 4) {
                    throw refuse("output_shape=" + str(outputShape) + "; expected the two spatial sizes");
                }
                long want = outputShape[outputShape.length - 2 + ax];
                int total = (int) (full - want);
                // An output_shape beyond the full output extends it at the tail (zeros, then the bias), as
                // ONNX Runtime and onnx's reference do (node case convtranspose_output_shape: 9x7 -> 10x8).
                head[ax] = total < 0 ? 0 : auto.equals("SAME_UPPER") ? total - total / 2 : total / 2;
                tail[ax] = total - head[ax];
            } else if (auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER")) {
                int total = (int) Math.max(0, full - (long) in[ax] * s[ax]);
                // SAME_UPPER puts the odd pad at the tail, SAME_LOWER at the head: what ONNX Runtime 1.29 and
                // onnx's reference compute (node case convtranspose_autopad_same).
                head[ax] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                tail[ax] = total - head[ax];
            } else if (auto.equals("NOTSET")) {
                head[ax] = explicit[ax];
                tail[ax] = explicit[ax + 2];
            }
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("in_channels", Math.toIntExact(w.dims()[0]));
        a.put("out_channels", Math.toIntExact(out));
        a.put("kernel_size", intsToList(k));
        a.put("stride", intsToList(s));
        a.put("dilation", intsToList(d));
        a.put("groups", group);
        boolean torchForm = head[0] == tail[0] && head[1] == tail[1] && head[0] >= 0 && head[1] >= 0
                && op[0] < Math.max(s[0], d[0]) && op[1] < Math.max(s[1], d[1]);
        if (torchForm) {
            a.put("padding", intsToList(head[0], head[1]));
            a.put("output_padding", intsToList(op));
            a.put("bias", b != null);
            m.set(0, m.emit("", "conv_transpose2d", List.of(x.layer()), a, weightAndBias(w, b)));
            return;
        }
        // crop head pads and (tail pads - output_padding); a negative crop extends with zeros
        int cropBottom = tail[0] - op[0], cropRight = tail[1] - op[1];
        boolean grows = cropBottom < 0 || cropRight < 0 || head[0] < 0 || head[1] < 0;
        a.put("bias", b != null && !grows);
        Data full = m.emit("/unpadded", "conv_transpose2d", List.of(x.layer()), a, weightAndBias(w, grows ? null : b));
        Map<String, Object> crop = new LinkedHashMap<>();
        crop.put("pad", intsToList(-head[1], -cropRight, -head[0], -cropBottom));
        Data y = m.emit(b != null && grows ? "/crop" : "", "pad", List.of(full.layer()), crop, Map.of());
        if (b != null && grows) {
            Data bias = m.emit("/bias", "constant", List.of(), Map.of("shape", longsToList(out, 1, 1)),
                    Map.of("value", Tensor.of(Shape.of((int) out, 1, 1), b.floats())));
            y = m.emit("", "add", List.of(y.layer(), bias.layer()), Map.of(), Map.of());
        }
        m.set(0, y);
    }

    // ------------------------------------------------------------------ pooling

    /**
     * MaxPool, AveragePool, LpPool. auto_pad becomes explicit pads (SAME_UPPER: the odd one at the end);
     * symmetric pads within PyTorch's limit (half the window) use PyTorch's two-int padding, anything
     * else the four-int ONNX form [top, left, bottom, right] with ONNX's rules.
     */
    static void pool(Importer m, String type) {
        Data x = input4d(m, "X");
        m.refuseUsedOutput(1, "Indices", "int64 positions, and opsgi computes float32 values only");
        long[] ks = m.attrInts("kernel_shape");
        if (ks == null) {
            throw refuse("kernel_shape is required");
        }
        int[] k = pair(m, "kernel_shape", 1), s = pair(m, "strides", 1);
        int[] d = type.equals("max_pool2d") ? pair(m, "dilations", 1) : new int[] {1, 1};
        String auto = autoPad(m);
        int[] p = new int[4];
        if (auto.equals("NOTSET")) {
            p = pads(m);
        } else if (!auto.equals("VALID")) {
            for (int ax = 0; ax < 2; ax++) {
                int in = x.shape().dim(2 + ax);
                int outSize = (in + s[ax] - 1) / s[ax];
                int total = Math.max(0, (outSize - 1) * s[ax] + d[ax] * (k[ax] - 1) + 1 - in);
                int small = total / 2;
                p[ax] = auto.equals("SAME_UPPER") ? small : total - small;
                p[ax + 2] = total - p[ax];
            }
        }
        boolean ceil = m.attrInt("ceil_mode", 0) != 0;
        Map<String, Object> a = new LinkedHashMap<>();
        if (type.equals("lp_pool2d")) {
            // opset 18 gave LpPool ceil_mode and dilations; opsgi's lp_pool2d (PyTorch's) has neither
            int[] dl = pair(m, "dilations", 1);
            if (ceil || dl[0] != 1 || dl[1] != 1) {
                throw refuse("ceil_mode=" + m.attrInt("ceil_mode", 0) + ", dilations=" + str(m.attrInts("dilations"))
                        + "; opsgi's LpPool takes neither (PyTorch's lp_pool2d)");
            }
            long norm = m.attrInt("p", 2);
            a.put("norm_type", (int) norm);
            if (norm % 2 != 0) {
                a.put("abs_input", true); // ONNX sums |x|^p; for an even p that is x^p, PyTorch's form
            }
        }
        a.put("kernel_size", intsToList(k));
        a.put("stride", intsToList(s));
        boolean symmetric = p[0] == p[2] && p[1] == p[3] && 2 * p[0] <= k[0] && 2 * p[1] <= k[1];
        boolean torchForm = symmetric && !(ceil && type.equals("avg_pool2d"));
        if (p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0 || !type.equals("lp_pool2d")) {
            a.put("padding", torchForm ? intsToList(p[0], p[1]) : intsToList(p));
        }
        if (type.equals("max_pool2d")) {
            a.put("dilation", intsToList(d));
        }
        if (!type.equals("lp_pool2d")) {
            a.put("ceil_mode", ceil);
        }
        if (type.equals("avg_pool2d")) {
            a.put("count_include_pad", m.attrInt("count_include_pad", 0) != 0);
        }
        m.set(0, m.emit(type, x, a));
    }

    static void global(Importer m, String type) {
        Data x = input4d(m, "X");
        m.set(0, m.emit(type, x, Map.of()));
    }

    /**
     * The Reduce ops opsgi computes exactly as ONNX defines them, each as pooling over the reduced values: the mean and the
     * max as global average and max pools, the min as minus the max of minus x (negation is exact), the sum as an average
     * pool with divisor 1, the sum of squares and the L2 norm (its square root) of x*x, the L1 norm of |x|, the log-sum as
     * the log of the sum.
     */
    enum Reduction {
        MEAN, MAX, MIN, SUM, SUM_SQUARE, L2, L1, LOG_SUM
    }

    /**
     * A Reduce op over {@code axes} (all when absent; ReduceSum takes them as an input from opset 13, where
     * noop_with_empty_axes=1 makes absent or empty axes the identity), keepdims (default 1) keeping them as 1. Consecutive
     * axes are reduced in place ({@link #reduce}); others are moved after the kept ones by a permute first.
     */
    static void reduce(Importer m, Reduction r) {
        Data x = m.data(0);
        int rank = x.shape().rank();
        boolean axesInput = axesAnInput(m, r == Reduction.SUM);
        long[] axes = axesInput ? (m.has(1) ? m.konst(1, "axes").longs() : null) : m.attrInts("axes");
        if (axesInput && m.attrInt("noop_with_empty_axes", 0) != 0 && (axes == null || axes.length == 0)) {
            m.set(0, x);
            return;
        }
        long[] norm = axes == null || axes.length == 0 ? java.util.stream.LongStream.range(0, rank).toArray()
                : Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
        if (norm.length > 0 && (norm[0] < 0 || norm[norm.length - 1] >= rank || Arrays.stream(norm).distinct().count() != norm.length)) {
            throw refuse("axes=" + str(axes) + " is invalid for an input of rank " + rank);
        }
        m.set(0, reduce(m, x, norm, m.attrInt("keepdims", 1) != 0, r, ""));
    }

    /**
     * Whether a Reduce op's axes are its second input: ReduceSum's from opset 13, every other one's from opset 18 (with
     * noop_with_empty_axes); attributes before.
     */
    static boolean axesAnInput(Importer m, boolean sum) {
        if (m.opset >= (sum ? 13 : 18)) {
            if (m.attr("axes") != null) {
                throw refuse("axes is an input from opset " + (sum ? 13 : 18) + ", not an attribute");
            }
            return true;
        }
        if (m.attr("noop_with_empty_axes") != null) {
            throw refuse("noop_with_empty_axes exists from opset " + (sum ? 13 : 18));
        }
        return false;
    }

    /** The mean over axes first..last of data of any rank, those axes kept as 1 ({@code keep}) or dropped. */
    private static Data mean(Importer m, Data x, int first, int last, boolean keep, String suffix) {
        return reduce(m, x, java.util.stream.LongStream.rangeClosed(first, last).toArray(), keep, Reduction.MEAN, suffix);
    }

    /**
     * Reduction {@code r} of x over {@code axes} (sorted, distinct, in range). Over H and W of a 4-D input the mean and
     * the max are global pools. Otherwise the reduced axes, moved after the kept ones if they are not one run, are
     * viewed as the rows of (1, rows, len, 1): the input as (outer, len, inner), permuted to (outer, inner, len) when
     * inner > 1, and pooled along len (a reduction of length len, with its tolerance), then reshaped to the input's dims
     * with those axes 1 (keep) or gone.
     */
    private static Data reduce(Importer m, Data x, long[] axes, boolean keep, Reduction r, String suffix) {
        Shape s = x.shape();
        List<Long> out = new ArrayList<>();
        boolean[] reduced = new boolean[s.rank()];
        for (long a : axes) {
            reduced[(int) a] = true;
        }
        for (int d = 0; d < s.rank(); d++) {
            if (!reduced[d] || keep) {
                out.add(reduced[d] ? 1L : (long) s.dim(d));
            }
        }
        boolean post = r == Reduction.MIN || r == Reduction.L2 || r == Reduction.LOG_SUM;
        String core = post ? suffix + "/reduced" : suffix;
        Data in = switch (r) {
            case MIN -> m.emit(suffix + "/negated", "mul", List.of(x.layer(), scalarConstant(m, suffix + "/minus_one", -1f).layer()), Map.of(), Map.of());
            case SUM_SQUARE, L2 -> m.emit(suffix + "/squared", "mul", List.of(x.layer(), x.layer()), Map.of(), Map.of());
            case L1 -> m.emit(suffix + "/abs", "abs", List.of(x.layer()), Map.of(), Map.of());
            default -> x;
        };
        Data pooled;
        boolean global = r == Reduction.MEAN || r == Reduction.MAX || r == Reduction.MIN;
        boolean shaped = false; // whether the pool's output has the dims asked for already
        if (s.rank() == 4 && Arrays.equals(axes, new long[] {2, 3}) && global) {
            shaped = keep;
            pooled = m.emit(keep ? core : core + "/pool", r == Reduction.MEAN ? "global_avg_pool2d" : "global_max_pool2d", List.of(in.layer()), Map.of(), Map.of());
        } else {
            int first = (int) axes[0], last = (int) axes[axes.length - 1];
            if (last - first != axes.length - 1) { // not one run: the kept axes first, the reduced ones after them
                int[] perm = new int[s.rank()];
                int at = 0;
                for (int pass = 0; pass < 2; pass++) {
                    for (int d = 0; d < s.rank(); d++) {
                        if (reduced[d] == (pass == 1)) {
                            perm[at++] = d;
                        }
                    }
                }
                in = m.emit(core + "/moved", "permute", List.of(in.layer()), Map.of("dims", intsToList(perm)), Map.of());
                first = s.rank() - axes.length;
                last = s.rank() - 1;
            }
            Shape t = in.shape();
            long outer = Dims.product(t, 0, first), len = Dims.product(t, first, last + 1), inner = Dims.product(t, last + 1, t.rank());
            if (len > Integer.MAX_VALUE) {
                throw refuse("the reduction over axes " + str(axes) + " of " + s + " sums " + len + " values; at most 2^31 - 1 are supported");
            }
            Data rows = in;
            if (inner > 1) {
                Data three = m.emit(core + "/3d", "reshape", List.of(in.layer()), Map.of("shape", longsToList(outer, len, inner)), Map.of());
                rows = m.emit(core + "/last", "permute", List.of(three.layer()), Map.of("dims", intsToList(0, 2, 1)), Map.of());
            }
            Data view = m.emit(core + "/rows", "reshape", List.of(rows.layer()), Map.of("shape", longsToList(1, outer * inner, len, 1)), Map.of());
            if (global) {
                pooled = m.emit(core + "/pool", r == Reduction.MEAN ? "global_avg_pool2d" : "global_max_pool2d", List.of(view.layer()), Map.of(), Map.of());
            } else {
                Map<String, Object> window = new LinkedHashMap<>();
                window.put("kernel_size", intsToList((int) len, 1));
                window.put("divisor_override", 1);
                pooled = m.emit(core + "/sum", "avg_pool2d", List.of(view.layer()), window, Map.of());
            }
        }
        Data y = shaped ? pooled
                : m.emit(core, "reshape", List.of(pooled.layer()), Map.of("shape", longsToList(out.stream().mapToLong(Long::longValue).toArray())), Map.of());
        return switch (r) {
            case MIN -> m.emit(suffix, "mul", List.of(y.layer(), scalarConstant(m, suffix + "/minus_one_after", -1f).layer()), Map.of(), Map.of());
            case L2 -> m.emit(suffix, "sqrt", List.of(y.layer()), Map.of(), Map.of());
            case LOG_SUM -> m.emit(suffix, "log", List.of(y.layer()), Map.of(), Map.of());
            default -> y;
        };
    }

    /**
     * LayerNormalization (opset 17) over axes axis..rank-1, written as its ONNX function body: D = X - mean(X),
     * InvStdDev = 1 / sqrt(mean(D*D) + epsilon), Y = D * InvStdDev * Scale + B, in float32 (stash_type 1); PyTorch's
     * layer_norm normalizes with the same mean and reciprocal standard deviation, in another order of roundings. The Mean
     * and InvStdDev outputs are those intermediate values.
     */
    static void layerNorm(Importer m) {
        if (m.opset < 17) {
            // onnx's checker: "No Op registered for LayerNormalization with domain_version of 16"
            throw refuse("LayerNormalization exists from opset 17; the file imports opset " + m.opset + ", which has no such op");
        }
        Data x = m.data(0);
        int r = x.shape().rank();
        long axis = m.attrInt("axis", -1);
        if (axis < -r || axis >= r) {
            throw refuse("axis=" + axis + " is out of range for an input of rank " + r);
        }
        if (m.attrInt("stash_type", 1) != 1) {
            throw refuse("stash_type=" + m.attrInt("stash_type", 1) + "; opsgi computes the statistics in float32 only (stash_type 1)");
        }
        int first = (int) (axis < 0 ? axis + r : axis);
        Const scale = m.konst(1, "Scale");
        requireFloat(scale, "the Scale");
        Const bias = m.has(2) ? m.konst(2, "B") : null;
        if (bias != null) {
            requireFloat(bias, "the B");
        }
        Statistics st = statistics(m, x, first, r - 1, m.attrFloat("epsilon", 1e-5f));
        Data normalized = m.emit("/normalized", "mul", List.of(st.deviation().layer(), st.invStdDev().layer()), Map.of(), Map.of());
        Data y = m.emit(bias != null ? "/scaled" : "", "mul", List.of(normalized.layer(), m.data(1).layer()), Map.of(), Map.of());
        if (bias != null) {
            y = m.emit("", "add", List.of(y.layer(), m.data(2).layer()), Map.of(), Map.of());
        }
        m.set(0, y);
        m.set(1, st.mean());
        m.set(2, st.invStdDev());
    }

    /** What both normalizations compute over axes first..last: the mean, x - mean, and 1 / sqrt(mean((x - mean)²) + epsilon). */
    private record Statistics(Data mean, Data deviation, Data invStdDev) {
    }

    private static Statistics statistics(Importer m, Data x, int first, int last, float epsilon) {
        Data mean = mean(m, x, first, last, true, "/mean");
        Data d = m.emit("/deviation", "sub", List.of(x.layer(), mean.layer()), Map.of(), Map.of());
        Data squared = m.emit("/squared", "mul", List.of(d.layer(), d.layer()), Map.of(), Map.of());
        Data var = mean(m, squared, first, last, true, "/variance");
        Data varEps = m.emit("/variance_eps", "add", List.of(var.layer(), scalarConstant(m, "/epsilon", epsilon).layer()), Map.of(), Map.of());
        Data std = m.emit("/stddev", "sqrt", List.of(varEps.layer()), Map.of(), Map.of());
        Data inv = m.emit("/invstddev", "div", List.of(scalarConstant(m, "/one", 1f).layer(), std.layer()), Map.of(), Map.of());
        return new Statistics(mean, d, inv);
    }

    /**
     * InstanceNormalization: per sample and channel, over the axes after the channels, y = scale * (x - mean) /
     * sqrt(variance + epsilon) + B with the biased variance, written as LayerNormalization's body is (the same
     * statistics layers) with scale and B broadcast per channel. PyTorch's instance_norm, and its GroupNorm, which
     * PyTorch 1.13 exports as a reshape to (N, groups, rest) around an InstanceNormalization of unit scale and zero B
     * followed by the affine Mul and Add, normalize with the same mean and reciprocal deviation, rounded in another
     * order. A unit scale and a zero B (exact identities, up to the sign of a zero) are left out.
     */
    static void instanceNorm(Importer m) {
        Data x = channelsAndMore(m);
        int r = x.shape().rank(), c = x.shape().dim(1);
        float[] scale = params(m, 1, "scale", c, "one per channel of " + x.shape()), bias = params(m, 2, "B", c, "one per channel of " + x.shape());
        Statistics st = statistics(m, x, 2, r - 1, m.attrFloat("epsilon", 1e-5f));
        Data y = m.emit(identity(scale, bias) ? "" : "/normalized", "mul", List.of(st.deviation().layer(), st.invStdDev().layer()), Map.of(), Map.of());
        m.set(0, channelAffine(m, y, scale, bias));
    }

    /** Input 0 of a normalization over channels and what follows them: (N, C, D1, ...), at least one axis after C. */
    private static Data channelsAndMore(Importer m) {
        Data x = m.data(0);
        if (x.shape().rank() < 3) {
            throw refuse("the input has shape " + x.shape() + "; expected (N, C, D1, ...) with at least one axis after the channels");
        }
        return x;
    }

    /** Input {@code i}, a float32 constant of {@code count} values ({@code which} says whose), as floats. */
    private static float[] params(Importer m, int i, String name, long count, String which) {
        Const t = m.konst(i, name);
        requireFloat(t, "the " + name);
        if (t.rank() != 1 || t.size() != count) {
            throw refuse("the " + name + " has dims " + str(t.dims()) + ", expected [" + count + "] (" + which + ")");
        }
        return t.floats();
    }

    /** Whether y * scale + bias is y: every scale exactly 1 and every bias exactly 0 (exact, up to the sign of a zero). */
    private static boolean identity(float[] scale, float[] bias) {
        return all(scale, 1f) && all(bias, 0f);
    }

    /** Whether every value has the bits of {@code x}. */
    private static boolean all(float[] values, float x) {
        for (float v : values) {
            if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(x)) {
                return false;
            }
        }
        return true;
    }

    /**
     * y * scale + bias with one value per channel (dim 1 of y), as (C, 1, ...) constants broadcast over the rest; a unit
     * scale or a zero bias left out, the last layer named as the node (y itself when both are left out).
     */
    private static Data channelAffine(Importer m, Data y, float[] scale, float[] bias) {
        long[] dims = new long[y.shape().rank() - 1];
        Arrays.fill(dims, 1);
        dims[0] = scale.length;
        Shape shape = Shape.of(Arrays.stream(dims).mapToInt(Math::toIntExact).toArray());
        boolean unitScale = all(scale, 1f), zeroBias = all(bias, 0f);
        if (!unitScale) {
            Data sc = m.emit("/scale", "constant", List.of(), Map.of("shape", longsToList(dims)), Map.of("value", Tensor.of(shape, scale)));
            y = m.emit(zeroBias ? "" : "/scaled", "mul", List.of(y.layer(), sc.layer()), Map.of(), Map.of());
        }
        if (!zeroBias) {
            Data b = m.emit("/bias", "constant", List.of(), Map.of("shape", longsToList(dims)), Map.of("value", Tensor.of(shape, bias)));
            y = m.emit("", "add", List.of(y.layer(), b.layer()), Map.of(), Map.of());
        }
        return y;
    }

    /**
     * LRN (AlexNet's and GoogLeNet's local response normalization across channels), as ONNX defines it: y = x / (bias +
     * alpha / size * square_sum)^beta, square_sum over channels c - floor((size - 1) / 2) .. c + ceil((size - 1) / 2)
     * within [0, C). The sum is an average pool of x² on the input viewed (N, 1, C, rest) with a (size, 1) window, the
     * channels padded with zeros by those amounts and divisor 1 (a sum). PyTorch's LocalResponseNorm pads size / 2
     * before and (size - 1) / 2 after: the same window for an odd size, one channel shifted for an even one (ONNX's rule
     * here).
     */
    static void lrn(Importer m) {
        Data x = channelsAndMore(m);
        Shape s = x.shape();
        long size = m.attrInt("size", -1);
        if (size < 1) {
            throw refuse(size == -1 ? "size is required" : "size=" + size + " must be at least 1");
        }
        if (size > Integer.MAX_VALUE / 2) {
            throw refuse("size=" + size + " is too large");
        }
        float alpha = m.attrFloat("alpha", 1e-4f), beta = m.attrFloat("beta", 0.75f), bias = m.attrFloat("bias", 1f);
        long n = s.dim(0), c = s.dim(1), rest = Dims.product(s, 2, s.rank());
        int before = (int) ((size - 1) / 2), after = (int) (size / 2);
        Data squared = m.emit("/squared", "mul", List.of(x.layer(), x.layer()), Map.of(), Map.of());
        Data view = m.emit("/channels", "reshape", List.of(squared.layer()), Map.of("shape", longsToList(n, 1, c, rest)), Map.of());
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("kernel_size", intsToList((int) size, 1));
        window.put("stride", intsToList(1, 1));
        window.put("padding", intsToList(before, 0, after, 0));
        window.put("count_include_pad", true);
        window.put("divisor_override", 1);
        Data summed = m.emit("/window_sum", "avg_pool2d", List.of(view.layer()), window, Map.of());
        Data sum = m.emit("/square_sum", "reshape", List.of(summed.layer()), Map.of("shape", intsToList(s.toArray())), Map.of());
        Data scaled = m.emit("/scaled", "mul", List.of(sum.layer(), scalarConstant(m, "/alpha_over_size", (float) (alpha / (double) size)).layer()),
                Map.of(), Map.of());
        Data shifted = m.emit("/shifted", "add", List.of(scaled.layer(), scalarConstant(m, "/bias", bias).layer()), Map.of(), Map.of());
        Data denominator = m.emit("/denominator", "pow", List.of(shifted.layer(), scalarConstant(m, "/beta", beta).layer()), Map.of(), Map.of());
        m.set(0, m.emit("", "div", List.of(x.layer(), denominator.layer()), Map.of(), Map.of()));
    }

    private static Data scalarConstant(Importer m, String suffix, float v) {
        return m.emit(suffix, "constant", List.of(), Map.of("shape", List.of()), Map.of("value", Tensor.of(Shape.of(), v)));
    }

    // ------------------------------------------------------------------ normalization, activations

    static void batchNorm(Importer m) {
        Data x = m.data(0);
        if (m.attrInt("training_mode", 0) != 0) {
            throw refuse("training_mode=1; only inference is supported");
        }
        if (m.attrInt("spatial", 1) != 1) {
            throw refuse("spatial=0; only spatial batch normalization is supported");
        }
        for (int i = 1; i < 5; i++) {
            m.refuseUsedOutput(i, "running statistics", "opsgi does not compute it");
        }
        if (x.shape().rank() < 2) {
            throw refuse("the input has shape " + x.shape() + "; expected (N, C, ...)");
        }
        int c = x.shape().dim(1);
        String[] names = {"weight", "bias", "running_mean", "running_var"};
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            Const t = m.konst(i + 1, names[i]);
            requireFloat(t, "the " + names[i]);
            if (t.size() != c || t.rank() != 1) {
                throw refuse("the " + names[i] + " has dims " + str(t.dims()) + ", expected [" + c + "]");
            }
            p.put(names[i], t.tensor());
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("num_features", c);
        a.put("eps", (double) m.attrFloat("epsilon", 1e-5f));
        m.set(0, m.emit("", "batch_norm", List.of(x.layer()), a, p));
    }

    static void activation(Importer m, String type, Map<String, Object> attrs) {
        m.set(0, m.emit(type, m.data(0), attrs));
    }

    /**
     * Pow: a float32 base to an exponent of float32 or (from opset 12) any integer type, broadcast multidirectionally,
     * onto the pow op (C's powf: the exact power rounded to float). A constant scalar exponent 1, 2 or 3 is the identity,
     * x*x and (x*x)*x instead: what ONNX Runtime computes for a scalar 2 or 3 (its PowImpl special case) and PyTorch's
     * pow too (ATen's pow_tensor_scalar_optimized_kernel); x*x*x rounds twice, where powf rounds once.
     */
    static void pow(Importer m) {
        if (m.in(0) instanceof Const base) {
            requireFloat(base, "the base X");
        }
        Data x = m.data(0);
        Const e = m.constOrNull(1);
        if (e != null && e.size() == 1 && e.rank() <= x.shape().rank()) {
            double p = e.get(0);
            if (p == 1) {
                m.set(0, x);
                return;
            }
            if (p == 2 || p == 3) {
                Data square = m.emit(p == 3 ? "/square" : "", "mul", List.of(x.layer(), x.layer()), Map.of(), Map.of());
                m.set(0, p == 2 ? square : m.emit("", "mul", List.of(square.layer(), x.layer()), Map.of(), Map.of()));
                return;
            }
        }
        Data exponent = e == null || e.dtype() == Const.FLOAT ? m.data(1) : integerExponent(m, e);
        m.set(0, m.emit("", "pow", List.of(x.layer(), exponent.layer()), Map.of(), Map.of()));
    }

    /** An integer exponent as the float32 values opsgi computes with: exact up to 2^24 in magnitude, refused beyond. */
    private static Data integerExponent(Importer m, Const e) {
        if (e.isFloat()) {
            throw refuse("the exponent Y holds " + Const.typeName(e.dtype()) + "; opsgi takes a float32 or integer exponent");
        }
        for (long v : e.ints()) {
            if (Math.abs(v) > 1 << 24) {
                throw refuse("the exponent Y holds the " + Const.typeName(e.dtype()) + " value " + v
                        + "; opsgi computes with float32 exponents, exact up to 2^24 in magnitude");
            }
        }
        return m.emit("/exponent", "constant", List.of(), Map.of("shape", longsToList(e.dims())), Map.of("value", Tensor.of(e.shape(), e.asFloats())));
    }

    /** ONNX's defaults are PyTorch's constants rounded to float32: those keep PyTorch's (bit-exact) form. */
    static void selu(Importer m) {
        float alpha = m.attrFloat("alpha", 1.67326319217681884765625f), gamma = m.attrFloat("gamma", 1.05070102214813232421875f);
        Map<String, Object> a = new LinkedHashMap<>();
        if (alpha != 1.67326319217681884765625f || gamma != 1.05070102214813232421875f) {
            a.put("alpha", (double) alpha);
            a.put("gamma", (double) gamma);
        }
        activation(m, "selu", a);
    }

    /**
     * y = x < 0 ? slope * x : x with the slope broadcast unidirectionally to x (aligned at the last dimension). torch's
     * prelu is x >= 0 ? x : w * x, the same for every x (-0 and NaN pass through both), with w along dimension 1 of an
     * (N, C, ...) view: so x is viewed as (outer, C, inner), C the span of x's dimensions from the slope's first to its
     * last dimension that is not 1, and the slope expanded over that span. One exact prelu for any slope that
     * broadcasts; a slope of one value per channel (C, 1, 1) keeps x's own shape.
     */
    static void prelu(Importer m) {
        Data x = m.data(0);
        Const slope = m.konst(1, "slope");
        requireFloat(slope, "the slope");
        Shape xs = x.shape();
        int r = xs.rank();
        long[] sd = slope.dims();
        int offset = r - sd.length, first = -1, last = -1;
        for (int i = 0; i < sd.length; i++) {
            if (offset < 0 || sd[i] != 1 && sd[i] != xs.dim(offset + i)) {
                throw refuse("the slope has dims " + str(sd) + ", which do not broadcast unidirectionally to the input " + xs
                        + " (aligned at the last dimension, each must be 1 or the input's)");
            }
            if (sd[i] != 1) {
                first = first < 0 ? offset + i : first;
                last = offset + i;
            }
        }
        if (first < 0) {
            m.set(0, m.emit("", "prelu", List.of(x.layer()), Map.of("num_parameters", 1), Map.of("weight", Tensor.of(Shape.of(1), slope.floats()[0]))));
            return;
        }
        long outer = Dims.product(xs, 0, first), channels = Dims.product(xs, first, last + 1), inner = Dims.product(xs, last + 1, r);
        float[] w = new float[Math.toIntExact(channels)];
        for (int c = 0; c < w.length; c++) {
            int at = 0; // the slope element of span index c: its own strides, 0 along its size-1 dimensions
            for (int d = last, rest = c, stride = 1; d >= first; d--) {
                int size = (int) sd[d - offset];
                at += size == 1 ? 0 : (rest % xs.dim(d)) * stride;
                rest /= xs.dim(d);
                stride *= size;
            }
            w[c] = slope.floats()[at];
        }
        Map<String, Object> a = Map.of("num_parameters", w.length);
        Map<String, Tensor> weight = Map.of("weight", Tensor.of(Shape.of(w.length), w));
        if (first == 1 && last == 1) {
            m.set(0, m.emit("", "prelu", List.of(x.layer()), a, weight));
            return;
        }
        Data view = m.emit("/view", "reshape", List.of(x.layer()), Map.of("shape", longsToList(outer, channels, inner)), Map.of());
        Data y = m.emit("/prelu", "prelu", List.of(view.layer()), a, weight);
        m.set(0, m.emit("", "reshape", List.of(y.layer()), Map.of("shape", intsToList(xs.toArray())), Map.of()));
    }

    /** Bounds as attributes before opset 11, as optional constant inputs from 11; a missing bound is unbounded. */
    static void clip(Importer m) {
        Data x = m.data(0);
        double lo, hi;
        if (m.opset < 11) {
            lo = m.attrFloat("min", Float.NEGATIVE_INFINITY);
            hi = m.attrFloat("max", Float.POSITIVE_INFINITY);
        } else {
            if (m.attr("min") != null || m.attr("max") != null) {
                throw refuse("min/max are inputs from opset 11, not attributes");
            }
            lo = m.has(1) ? scalar(m, 1, "min") : Double.NEGATIVE_INFINITY;
            hi = m.has(2) ? scalar(m, 2, "max") : Double.POSITIVE_INFINITY;
        }
        if (lo == 0 && hi == 6) {
            activation(m, "relu6", Map.of());
        } else if (lo == 0 && hi == Double.POSITIVE_INFINITY) {
            activation(m, "relu", Map.of());
        } else {
            if (lo > hi) {
                throw refuse("min=" + lo + " exceeds max=" + hi);
            }
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("min_val", lo);
            a.put("max_val", hi);
            activation(m, "hardtanh", a);
        }
    }

    private static double scalar(Importer m, int i, String what) {
        Const c = m.konst(i, what);
        if (c.size() != 1) {
            throw refuse("the input " + what + " has dims " + str(c.dims()) + "; expected a scalar");
        }
        return c.get(0);
    }

    /**
     * From opset 13 along {@code axis} (default -1). Before, the input is coerced to 2-D at axis
     * (default 1): [prod(dims before), prod(dims from axis)], normalized along dimension 1, and
     * reshaped back; when axis is the last dimension that is the same as along it.
     */
    static void softmax(Importer m, String type) {
        Data x = m.data(0);
        int r = x.shape().rank();
        long axis = m.attrInt("axis", m.opset >= 13 ? -1 : 1);
        if (axis < -r || axis >= Math.max(r, 1)) {
            throw refuse("axis=" + axis + " is out of range for an input of rank " + r);
        }
        int a = (int) (axis < 0 ? axis + r : axis);
        if (m.opset >= 13 || a == r - 1) {
            m.set(0, m.emit(type, x, Map.of("dim", a)));
            return;
        }
        long outer = Dims.product(x.shape(), 0, a), inner = Dims.product(x.shape(), a, r);
        Data flat = m.emit("/2d", "reshape", List.of(x.layer()), Map.of("shape", longsToList(outer, inner)), Map.of());
        Data y = m.emit("/" + type, type, List.of(flat.layer()), Map.of("dim", 1), Map.of());
        m.set(0, m.emit("", "reshape", List.of(y.layer()), Map.of("shape", intsToList(x.shape().toArray())), Map.of()));
    }

    // ------------------------------------------------------------------ fully connected, element-wise

    /**
     * Y = alpha·A'·B' + beta·C. With B and C constant it is one linear layer (weight alpha·B' stored
     * (N, K), bias beta·C broadcast to N); otherwise matmul, then mul and add.
     */
    static void gemm(Importer m) {
        Data a = m.data(0);
        if (a.shape().rank() != 2) {
            throw refuse("A has shape " + a.shape() + "; Gemm takes 2-D inputs");
        }
        boolean ta = m.attrInt("transA", 0) != 0, tb = m.attrInt("transB", 0) != 0;
        float alpha = m.attrFloat("alpha", 1f), beta = m.attrFloat("beta", 1f);
        Data at = ta ? m.emit("/transA", "permute", List.of(a.layer()), Map.of("dims", intsToList(1, 0)), Map.of()) : a;
        int k = at.shape().dim(1);
        Const b = m.constOrNull(1);
        Const c = m.has(2) ? m.constOrNull(2) : null;
        if (b != null && (!m.has(2) || c != null)) {
            requireFloat(b, "B");
            if (b.rank() != 2) {
                throw refuse("B has dims " + str(b.dims()) + "; Gemm takes 2-D inputs");
            }
            int n = (int) (tb ? b.dims()[0] : b.dims()[1]);
            int kb = (int) (tb ? b.dims()[1] : b.dims()[0]);
            if (kb != k) {
                throw refuse("A' has " + k + " columns but B' has " + kb + " rows");
            }
            float[] w = new float[n * k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    w[i * k + j] = alpha * (tb ? b.floats()[i * k + j] : b.floats()[j * n + i]);
                }
            }
            Map<String, Tensor> p = new LinkedHashMap<>();
            p.put("weight", Tensor.of(Shape.of(n, k), w));
            boolean perColumn = false;
            if (c != null) {
                requireFloat(c, "C");
                long[] cd = c.dims();
                perColumn = c.size() == n && (cd.length == 1 || (cd.length == 2 && cd[0] == 1)) || c.size() == 1 && cd.length <= 2;
            }
            if (c != null && !perColumn) {
                // a C per row or per element: beta*C added after (broadcasting add)
                float[] scaled = new float[c.size()];
                for (int i = 0; i < scaled.length; i++) {
                    scaled[i] = beta * c.floats()[i];
                }
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put("in_features", k);
                attrs.put("out_features", n);
                attrs.put("bias", false);
                Data y = m.emit("/linear", "linear", List.of(at.layer()), attrs, p);
                Data cc = m.emit("/C", "constant", List.of(), Map.of("shape", longsToList(c.dims())), Map.of("value", Tensor.of(c.shape(), scaled)));
                m.set(0, m.emit("", "add", List.of(y.layer(), cc.layer()), Map.of(), Map.of()));
                return;
            }
            if (c != null) {
                float[] bias = new float[n];
                for (int i = 0; i < n; i++) {
                    bias[i] = beta * c.floats()[c.size() == 1 ? 0 : i];
                }
                p.put("bias", Tensor.of(Shape.of(n), bias));
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("in_features", k);
            attrs.put("out_features", n);
            attrs.put("bias", c != null);
            m.set(0, m.emit("", "linear", List.of(at.layer()), attrs, p));
            return;
        }
        Data bd = m.data(1);
        Data bt = tb ? m.emit("/transB", "permute", List.of(bd.layer()), Map.of("dims", intsToList(1, 0)), Map.of()) : bd;
        Data y = m.emit(m.has(2) || alpha != 1 ? "/matmul" : "", "matmul", List.of(at.layer(), bt.layer()), Map.of(), Map.of());
        if (alpha != 1) {
            Data s = m.emit("/alpha", "constant", List.of(), Map.of("shape", List.of()), Map.of("value", Tensor.of(Shape.of(), alpha)));
            y = m.emit(m.has(2) ? "/scaled" : "", "mul", List.of(y.layer(), s.layer()), Map.of(), Map.of());
        }
        if (m.has(2)) {
            Data cd = m.data(2);
            if (beta != 1) {
                Data s = m.emit("/beta", "constant", List.of(), Map.of("shape", List.of()), Map.of("value", Tensor.of(Shape.of(), beta)));
                cd = m.emit("/betaC", "mul", List.of(cd.layer(), s.layer()), Map.of(), Map.of());
            }
            y = m.emit("", "add", List.of(y.layer(), cd.layer()), Map.of(), Map.of());
        }
        m.set(0, y);
    }

    /** A data input times a constant 2-D B is a linear layer (weight B transposed); anything else is torch.matmul. */
    static void matmul(Importer m) {
        Const b = m.constOrNull(1);
        if (m.in(0) instanceof Data a && b != null && b.rank() == 2 && a.shape().rank() >= 1) {
            requireFloat(b, "B");
            int k = (int) b.dims()[0], n = (int) b.dims()[1];
            float[] w = new float[n * k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    w[i * k + j] = b.floats()[j * n + i];
                }
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("in_features", k);
            attrs.put("out_features", n);
            attrs.put("bias", false);
            m.set(0, m.emit("", "linear", List.of(a.layer()), attrs, Map.of("weight", Tensor.of(Shape.of(n, k), w))));
            return;
        }
        if (m.in(0) instanceof Const && b != null) {
            throw refuse("both inputs are constant; folding MatMul is not supported");
        }
        m.set(0, m.emit("", "matmul", List.of(m.data(0).layer(), m.data(1).layer()), Map.of(), Map.of()));
    }

    /** Add, Sub, Mul, Div with broadcasting: folded when both are constant, else the torch op of that name. */
    static void binary(Importer m, String type) {
        Const a = m.constOrNull(0), b = m.constOrNull(1);
        if (a != null && b != null) {
            m.set(0, Folding.arithmetic(a, b, type));
            return;
        }
        m.set(0, m.emit("", type, List.of(m.data(0).layer(), m.data(1).layer()), Map.of(), Map.of()));
    }

    /**
     * Max, Min, Sum and Mean of one or more inputs, broadcast together: the binary layer folded left to right ((a op b)
     * op c, as ONNX's reference and ONNX Runtime take them), the mean that sum divided by the count. One input: itself (a
     * mean of one divides by 1, which changes nothing).
     */
    static void variadic(Importer m, String type, boolean mean) {
        int n = m.node.getInputCount();
        if (n == 0 || !m.has(0)) {
            throw refuse("at least one input is required");
        }
        if (n == 1) {
            m.set(0, m.in(0));
            return;
        }
        Data acc = m.data(0);
        for (int i = 1; i < n; i++) {
            acc = m.emit(i == n - 1 && !mean ? "" : "/" + i, type, List.of(acc.layer(), m.data(i).layer()), Map.of(), Map.of());
        }
        if (mean) {
            acc = m.emit("", "div", List.of(acc.layer(), scalarConstant(m, "/count", n).layer()), Map.of(), Map.of());
        }
        m.set(0, acc);
    }

    // ------------------------------------------------------------------ shapes

    static void concat(Importer m) {
        long axis = m.attrInt("axis", Long.MIN_VALUE);
        if (axis == Long.MIN_VALUE) {
            throw refuse("axis is required");
        }
        boolean allConst = true;
        for (int i = 0; i < m.node.getInputCount(); i++) {
            allConst &= m.in(i) instanceof Const;
        }
        if (allConst) {
            List<Const> cs = new ArrayList<>();
            for (int i = 0; i < m.node.getInputCount(); i++) {
                cs.add((Const) m.in(i));
            }
            m.set(0, Folding.concat(cs, (int) axis));
            return;
        }
        List<String> in = new ArrayList<>();
        for (int i = 0; i < m.node.getInputCount(); i++) {
            in.add(m.data(i).layer());
        }
        m.set(0, m.emit("", "concat", in, Map.of("dim", (int) axis), Map.of()));
    }

    /**
     * Split along {@code axis} (default 0) into the sizes {@code split} (an attribute before opset 13, an input from 13)
     * or, without them, into equal parts, one per output (torch.split / chunk). Each part is a crop of the input.
     */
    static void split(Importer m) {
        Data x = m.data(0);
        Shape s = x.shape();
        int r = s.rank();
        long axis = m.attrInt("axis", 0);
        if (axis < -r || axis >= r) {
            throw refuse("axis=" + axis + " is out of range for an input of rank " + r);
        }
        int ax = (int) (axis < 0 ? axis + r : axis);
        long size = s.dim(ax);
        int parts = m.node.getOutputCount();
        if (m.opset >= 13 && m.attr("split") != null) {
            throw refuse("split is an input from opset 13, not an attribute");
        }
        long[] sizes = m.opset < 13 ? m.attrInts("split") : m.has(1) ? m.konst(1, "split").longs() : null;
        long numOutputs = m.attrInt("num_outputs", -1);
        if (numOutputs != -1 && (m.opset < 18 || sizes != null || numOutputs != parts)) {
            throw refuse("num_outputs=" + numOutputs + " with " + parts + " outputs" + (sizes != null ? " and a split input" : "")
                    + "; from opset 18 it names the number of outputs when split is not given");
        }
        if (sizes == null && numOutputs != -1) { // opset 18: parts of ceil(size / n), the last one smaller
            long chunk = (size + parts - 1) / parts;
            if (chunk * (parts - 1) >= size) {
                throw refuse("dimension " + ax + " of the input " + s + " (size " + size + ") does not split into " + parts + " parts of "
                        + chunk + " with a smaller last one");
            }
            sizes = new long[parts];
            Arrays.fill(sizes, chunk);
            sizes[parts - 1] = size - chunk * (parts - 1);
        }
        if (sizes == null) {
            if (size % parts != 0) {
                throw refuse("dimension " + ax + " of the input " + s + " (size " + size + ") does not split into " + parts + " equal parts");
            }
            sizes = new long[parts];
            Arrays.fill(sizes, size / parts);
        }
        if (sizes.length != parts || Arrays.stream(sizes).anyMatch(v -> v < 0) || Arrays.stream(sizes).sum() != size) {
            throw refuse("split=" + str(sizes) + " must give " + parts + " non-negative sizes (one per output) summing to dimension " + ax
                    + " of the input " + s + " (size " + size + ")");
        }
        long lo = 0;
        for (int i = 0; i < parts; i++) {
            long[] out = Arrays.stream(s.toArray()).asLongStream().toArray();
            out[ax] = sizes[i];
            m.set(i, parts == 1 ? x : Folding.crop(m, x, ax, lo, lo + sizes[i], out, "/part" + i));
            lo += sizes[i];
        }
    }

    /** ONNX Flatten is always 2-D: [prod(dims before axis), prod(dims from axis)]; axis 1 is nn.Flatten's start_dim 1. */
    static void flatten(Importer m) {
        Data x = m.data(0);
        int r = x.shape().rank();
        long axis = m.attrInt("axis", 1);
        if (axis < -r || axis > r) {
            throw refuse("axis=" + axis + " is out of range for an input of rank " + r);
        }
        int a = (int) (axis < 0 ? axis + r : axis);
        if (a == 1 && r >= 2) {
            m.set(0, m.emit("flatten", x, Map.of("start_dim", 1, "end_dim", -1)));
            return;
        }
        long outer = Dims.product(x.shape(), 0, a);
        m.set(0, m.emit("", "reshape", List.of(x.layer()), Map.of("shape", longsToList(outer, x.shape().size() / Math.max(1, outer))), Map.of()));
    }

    /** The target's 0 copies the input's size there (unless allowzero=1); -1 is inferred. */
    static void reshape(Importer m) {
        Const target = m.konst(1, "shape");
        long[] t = target.longs().clone();
        boolean allowZero = m.attrInt("allowzero", 0) != 0;
        Object x = m.in(0);
        long[] inDims = x instanceof Data d ? Arrays.stream(d.shape().toArray()).asLongStream().toArray() : ((Const) x).dims();
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0 && !allowZero) {
                if (i >= inDims.length) {
                    throw refuse("the target shape " + str(target.longs()) + " copies dimension " + i + " of an input of rank " + inDims.length);
                }
                t[i] = inDims[i];
            }
        }
        if (x instanceof Const c) {
            m.set(0, Folding.reshape(c, t));
            return;
        }
        m.set(0, m.emit("", "reshape", List.of(((Data) x).layer()), Map.of("shape", longsToList(t)), Map.of()));
    }

    static void transpose(Importer m) {
        Object x = m.in(0);
        int r = x instanceof Data d ? d.shape().rank() : ((Const) x).rank();
        long[] perm = m.attrInts("perm");
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (x instanceof Const c) {
            m.set(0, Folding.permute(c, perm));
            return;
        }
        m.set(0, m.emit("permute", m.data(0), Map.of("dims", longsToList(perm))));
    }

    /**
     * DepthToSpace ({@code toSpace}) and SpaceToDepth on (N, C, H, W), written as ONNX defines them: a reshape to six
     * axes, a transpose, a reshape back. DepthToSpace's DCR mode (the default) takes the block offsets from the
     * channel's high part ([N, b, b, C/b², H, W], perm 0 3 4 1 5 2), CRD (PyTorch's pixel_shuffle) from its low part
     * ([N, C/b², b, b, H, W], perm 0 1 4 2 5 3); SpaceToDepth is DCR's inverse ([N, C, H/b, b, W/b, b], perm 0 3 5 1 2 4).
     */
    static void blocks(Importer m, boolean toSpace) {
        Data x = m.data(0);
        Shape s = x.shape();
        if (s.rank() != 4) {
            throw refuse("the input has shape " + s + "; expected (N, C, H, W)");
        }
        long b = m.attrInt("blocksize", -1);
        if (b < 1) {
            throw refuse(b == -1 ? "blocksize is required" : "blocksize=" + b + " must be at least 1");
        }
        if (b > Integer.MAX_VALUE) { // also keeps b * b within a long
            throw refuse("blocksize=" + b + " is too large");
        }
        long n = s.dim(0), c = s.dim(1), h = s.dim(2), w = s.dim(3);
        long[] six, perm, out;
        if (toSpace) {
            String mode = m.attrString("mode", "DCR");
            if (c % (b * b) != 0) {
                throw refuse("the input has " + c + " channels, not a multiple of blocksize² = " + b * b);
            }
            if (mode.equals("DCR")) {
                six = new long[] {n, b, b, c / (b * b), h, w};
                perm = new long[] {0, 3, 4, 1, 5, 2};
            } else if (mode.equals("CRD")) {
                six = new long[] {n, c / (b * b), b, b, h, w};
                perm = new long[] {0, 1, 4, 2, 5, 3};
            } else {
                throw refuse("mode='" + mode + "'; ONNX defines DCR and CRD");
            }
            out = new long[] {n, c / (b * b), h * b, w * b};
        } else {
            if (h % b != 0 || w % b != 0) {
                throw refuse("the input's height and width " + h + "x" + w + " are not multiples of blocksize " + b);
            }
            six = new long[] {n, c, h / b, b, w / b, b};
            perm = new long[] {0, 3, 5, 1, 2, 4};
            out = new long[] {n, c * b * b, h / b, w / b};
        }
        Data split = m.emit("/6d", "reshape", List.of(x.layer()), Map.of("shape", longsToList(six)), Map.of());
        Data moved = m.emit("/moved", "permute", List.of(split.layer()), Map.of("dims", longsToList(perm)), Map.of());
        m.set(0, m.emit("", "reshape", List.of(moved.layer()), Map.of("shape", longsToList(out)), Map.of()));
    }

    /**
     * Expand: x broadcast with {@code shape} by numpy's rule (an axis of 1 in shape keeps x's size), as a multiplication
     * by ones (exact for every float) of the dims x lacks, e.g. (1, C, 1, 1) for an (N, 1, H, W) input expanded to (N, C, H,
     * W); an expansion that changes nothing is the input itself.
     */
    static void expand(Importer m) {
        long[] shape = m.konst(1, "shape").longs();
        if (m.in(0) instanceof Const c) { // shape arithmetic: folded, the same broadcast of a constant
            int n = (int) Folding.checkedElements(shape);
            Const ones;
            if (c.isFloat()) {
                float[] f = new float[n];
                Arrays.fill(f, 1f);
                ones = Const.ofFloats(shape, f);
            } else {
                long[] v = new long[n];
                Arrays.fill(v, 1L);
                ones = Const.ofLongs(shape, v);
            }
            m.set(0, Folding.arithmetic(c, ones, "mul"));
            return;
        }
        Data x = m.data(0);
        int[] in = x.shape().toArray();
        int rank = Math.max(in.length, shape.length);
        long[] out = new long[rank], ones = new long[rank];
        boolean same = rank == in.length;
        for (int i = 0; i < rank; i++) {
            long a = i - (rank - in.length) >= 0 ? in[i - (rank - in.length)] : 1, b = i - (rank - shape.length) >= 0 ? shape[i - (rank - shape.length)] : 1;
            if (a != b && a != 1 && b != 1 || b < 0) {
                throw refuse("shape " + str(shape) + " does not broadcast with the input's " + x.shape());
            }
            out[i] = a == 1 ? b : a;
            ones[i] = out[i] == a && i - (rank - in.length) >= 0 ? 1 : out[i];
            same &= out[i] == a;
        }
        if (same) {
            m.set(0, x);
            return;
        }
        long count = 1;
        for (long d : ones) {
            if (d > Integer.MAX_VALUE || (count *= d) > Integer.MAX_VALUE - 64) { // both below 2^31 before: no overflow
                throw refuse("the expansion to " + str(out) + " is too large for a float32 array");
            }
        }
        float[] one = new float[(int) count];
        Arrays.fill(one, 1f);
        Data o = m.emit("/ones", "constant", List.of(), Map.of("shape", longsToList(ones)), Map.of("value", Tensor.of(Shape.of(Arrays.stream(ones).mapToInt(Math::toIntExact).toArray()), one)));
        m.set(0, m.emit("", "mul", List.of(x.layer(), o.layer()), Map.of(), Map.of()));
    }

    /**
     * Tile: along each axis with repeats r > 1, r copies of the input joined by a concat (output element j of that axis
     * is input element j mod size, ONNX's definition). The output's size is checked before any list is built.
     */
    static void tile(Importer m) {
        Data x = m.data(0);
        long[] repeats = m.konst(1, "repeats").longs();
        int r = x.shape().rank();
        if (repeats.length != r) {
            throw refuse("repeats=" + str(repeats) + " has " + repeats.length + " values for an input of rank " + r);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            if (repeats[i] < 1 || repeats[i] > Integer.MAX_VALUE) {
                throw refuse("repeats=" + str(repeats) + "; each repeat must be between 1 and 2^31 - 1");
            }
            out[i] = x.shape().dim(i) * repeats[i];
        }
        Folding.checkedElements(out);
        Data y = x;
        for (int i = 0; i < r; i++) {
            if (repeats[i] > 1) {
                List<String> copies = java.util.Collections.nCopies((int) repeats[i], y.layer());
                boolean last = java.util.stream.IntStream.range(i + 1, r).allMatch(k -> repeats[k] == 1);
                y = m.emit(last ? "" : "/axis" + i, "concat", copies, Map.of("dim", i), Map.of());
            }
        }
        m.set(0, y);
    }

    /** Squeeze and Unsqueeze: axes as an attribute before opset 13, as an input from 13; on data a pure reshape. */
    static void squeeze(Importer m, boolean unsqueeze) {
        Object x = m.in(0);
        long[] dims = x instanceof Data d ? Arrays.stream(d.shape().toArray()).asLongStream().toArray() : ((Const) x).dims();
        long[] axes = m.opset < 13 ? m.attrInts("axes") : m.has(1) ? m.konst(1, "axes").longs() : null;
        long[] out;
        if (unsqueeze) {
            if (axes == null) {
                throw refuse("axes is required");
            }
            int r = dims.length + axes.length;
            boolean[] inserted = new boolean[r];
            for (long a : axes) {
                int ax = (int) (a < 0 ? a + r : a);
                if (ax < 0 || ax >= r || inserted[ax]) {
                    throw refuse("axes=" + str(axes) + " is invalid for an output of rank " + r);
                }
                inserted[ax] = true;
            }
            out = new long[r];
            for (int i = 0, j = 0; i < r; i++) {
                out[i] = inserted[i] ? 1 : dims[j++];
            }
        } else {
            boolean[] drop = new boolean[dims.length];
            if (axes == null) {
                for (int i = 0; i < dims.length; i++) {
                    drop[i] = dims[i] == 1;
                }
            } else {
                for (long a : axes) {
                    int ax = (int) (a < 0 ? a + dims.length : a);
                    if (ax < 0 || ax >= dims.length || dims[ax] != 1) {
                        throw refuse("axes=" + str(axes) + " is invalid for an input of dims " + str(dims) + " (each must be a dimension of size 1)");
                    }
                    drop[ax] = true;
                }
            }
            List<Long> keep = new ArrayList<>();
            for (int i = 0; i < dims.length; i++) {
                if (!drop[i]) {
                    keep.add(dims[i]);
                }
            }
            out = keep.stream().mapToLong(Long::longValue).toArray();
        }
        if (x instanceof Const c) {
            m.set(0, c.reshaped(out));
            return;
        }
        m.set(0, m.emit("", "reshape", List.of(((Data) x).layer()), Map.of("shape", longsToList(out)), Map.of()));
    }

    // ------------------------------------------------------------------ resize, pad, identity

    /**
     * Upsample (opset 9) and Resize (10: scales; 11-17: roi, scales, sizes) onto resize: nearest or
     * linear over H and W only (N and C scales must be 1), and from opset 11 cubic (with cubic_coeff_a
     * and exclude_outside). Opsets 9 and 10 scale as "asymmetric" with nearest rounding down (up when
     * shrinking), as ONNX Runtime does.
     */
    static void resize(Importer m) {
        Data x = input4d(m, "X");
        String mode = m.attrString("mode", "nearest");
        if (mode.equals("bilinear")) {
            mode = "linear"; // Upsample-7's spelling
        }
        boolean legacy = m.node.getOpType().equals("Upsample") || m.opset < 11;
        if (!mode.equals("nearest") && !mode.equals("linear") && (legacy || !mode.equals("cubic"))) {
            throw refuse("mode='" + mode + "'; supported: nearest, linear" + (legacy ? "" : ", cubic"));
        }
        // opset 18's additions, at their defaults only: no antialiasing, every axis, sizes stretched
        long[] axes = m.attrInts("axes");
        int rank = x.shape().rank();
        if (m.attrInt("antialias", 0) != 0 || !m.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")
                || axes != null && !Arrays.equals(Arrays.stream(axes).map(v -> v < 0 ? v + rank : v).toArray(), java.util.stream.LongStream.range(0, rank).toArray())) {
            throw refuse("antialias=" + m.attrInt("antialias", 0) + ", keep_aspect_ratio_policy='" + m.attrString("keep_aspect_ratio_policy", "stretch")
                    + "', axes=" + (axes == null ? "all" : str(axes)) + "; opsgi resizes every axis without antialiasing, sizes stretched (the defaults)");
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("mode", mode);
        Const scales, sizes = null;
        if (legacy) {
            scales = m.konst(1, "scales");
        } else {
            if (mode.equals("cubic")) {
                a.put("cubic_coeff_a", (double) m.attrFloat("cubic_coeff_a", -0.75f));
                a.put("exclude_outside", m.attrInt("exclude_outside", 0) != 0);
            }
            String ctm = m.attrString("coordinate_transformation_mode", "half_pixel");
            if (!Set.of("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize").contains(ctm)) {
                throw refuse("coordinate_transformation_mode='" + ctm + "' is not supported");
            }
            a.put("coordinate_transformation_mode", ctm);
            if (ctm.equals("tf_crop_and_resize")) {
                a.put("roi", cropRegion(m));
                a.put("extrapolation_value", (double) m.attrFloat("extrapolation_value", 0f));
            }
            if (mode.equals("nearest")) {
                String nm = m.attrString("nearest_mode", "round_prefer_floor");
                if (!Set.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil").contains(nm)) {
                    throw refuse("nearest_mode='" + nm + "' is not supported");
                }
                a.put("nearest_mode", nm);
            }
            Const sc = m.has(2) ? m.konst(2, "scales") : null;
            scales = sc != null && sc.size() > 0 ? sc : null;
            Const sz = m.has(3) ? m.konst(3, "sizes") : null;
            sizes = sz != null && sz.size() > 0 ? sz : null;
            if ((scales == null) == (sizes == null)) {
                throw refuse("exactly one of scales and sizes must be given");
            }
        }
        if (scales != null && a.containsKey("roi")) {
            // ONNX's spec sizes it floor(in * (end - start) * scale), onnx 1.12's reference floor(in * scale)
            throw refuse("coordinate_transformation_mode='tf_crop_and_resize' with scales=" + Arrays.toString(scales.asFloats())
                    + "; opsgi crops and resizes to sizes only (ONNX's spec and its reference implementation size the output from scales differently)");
        }
        if (scales != null) {
            if (scales.size() != 4 || scales.get(0) != 1 || scales.get(1) != 1) {
                throw refuse("scales=" + Arrays.toString(scales.asFloats()) + "; only H and W may be scaled (N and C scales 1)");
            }
            a.put("scales", List.of((double) scales.asFloats()[2], (double) scales.asFloats()[3]));
            if (legacy) {
                a.put("coordinate_transformation_mode", "asymmetric");
                if (mode.equals("nearest")) {
                    a.put("nearest_mode", scales.get(2) < 1 || scales.get(3) < 1 ? "ceil" : "floor");
                }
            }
        } else {
            long[] s = sizes.longs();
            if (s.length != 4 || s[0] != x.shape().dim(0) || s[1] != x.shape().dim(1)) {
                throw refuse("sizes=" + str(s) + "; only H and W may be resized (N and C as the input's " + x.shape() + ")");
            }
            a.put("sizes", longsToList(s[2], s[3]));
        }
        m.set(0, m.emit("resize", x, a));
    }

    /**
     * tf_crop_and_resize's roi (input 1, [start1..start4, end1..end4] normalized) as the resize op's [start_h, start_w, end_h,
     * end_w]; N and C must be the identity (start 0, end 1), only H and W are resized.
     */
    private static List<Object> cropRegion(Importer m) {
        Const roi = m.has(1) ? m.konst(1, "roi") : null;
        if (roi == null || roi.size() != 8 || !roi.isFloat()) {
            throw refuse("coordinate_transformation_mode='tf_crop_and_resize' needs a float roi of 8 values (start and end of each of the 4 axes), got "
                    + (roi == null ? "none" : Const.typeName(roi.dtype()) + " dims " + str(roi.dims())));
        }
        float[] r = roi.floats();
        if (r[0] != 0 || r[1] != 0 || r[4] != 1 || r[5] != 1) {
            throw refuse("roi=" + Arrays.toString(r) + "; only H and W may be cropped (N and C from 0 to 1)");
        }
        return List.of((double) r[2], (double) r[3], (double) r[6], (double) r[7]);
    }

    /** Pads as an attribute before opset 11, as inputs from 11; H and W only; edge is replicate. */
    static void pad(Importer m) {
        Data x = input4d(m, "data");
        String mode = m.attrString("mode", "constant");
        long[] p;
        double value;
        if (m.opset < 11) {
            p = m.attrInts("pads");
            if (p == null) {
                throw refuse("pads is required");
            }
            value = m.attrFloat("value", 0f);
        } else {
            p = pads(m, 4);
            value = m.has(2) ? scalar(m, 2, "constant_value") : 0;
        }
        if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0) {
            throw refuse("pads=" + str(p) + "; only H and W may be padded (eight values, zeros for N and C)");
        }
        String torchMode = switch (mode) {
            case "constant" -> "constant";
            case "reflect" -> "reflect";
            case "edge" -> "replicate";
            default -> throw refuse("mode='" + mode + "'; supported: constant, reflect, edge");
        };
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pad", longsToList(p[3], p[7], p[2], p[6]));
        a.put("mode", torchMode);
        if (torchMode.equals("constant")) {
            a.put("value", value);
        }
        m.set(0, m.emit("pad", x, a));
    }

    /**
     * Pad's pads input (opset 11+) for all {@code rank} axes, [begins..., ends...]: from opset 18 the optional axes input
     * names the axes the pads are for, the others get 0.
     */
    static long[] pads(Importer m, int rank) {
        long[] p = m.konst(1, "pads").longs();
        if (!m.has(3)) {
            return p;
        }
        long[] axes = m.konst(3, "axes").longs();
        if (p.length != 2 * axes.length) {
            throw refuse("pads=" + str(p) + " for axes=" + str(axes) + "; expected two values (begin and end) per axis");
        }
        long[] full = new long[2 * rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            long a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank || seen[(int) a]) {
                throw refuse("axes=" + str(axes) + " is invalid for an input of rank " + rank);
            }
            seen[(int) a] = true;
            full[(int) a] = p[i];
            full[(int) a + rank] = p[i + axes.length];
        }
        return full;
    }

    /**
     * GroupNormalization (opset 18): per sample and group of C / num_groups channels, over those channels and the spatial
     * axes, y = scale * (x - mean) / sqrt(variance + epsilon) + bias, scale and bias one per group (opset 18's form; opset
     * 21 made them per channel): InstanceNormalization's statistics on the input viewed (N, groups, rest), then the
     * per-group scale and bias broadcast to their channels, as PyTorch's GroupNorm computes with one value per channel.
     */
    static void groupNorm(Importer m) {
        Data x = channelsAndMore(m);
        Shape s = x.shape();
        long groups = m.attrInt("num_groups", -1);
        int c = s.dim(1);
        if (groups < 1 || c % groups != 0) {
            throw refuse(groups == -1 ? "num_groups is required" : "num_groups=" + groups + " does not divide the " + c + " channels of " + s);
        }
        float[] scale = params(m, 1, "scale", groups, "one per group, opset 18"), bias = params(m, 2, "bias", groups, "one per group, opset 18");
        float[][] perChannel = new float[2][c];
        for (int ch = 0; ch < c; ch++) {
            perChannel[0][ch] = scale[(int) (ch / (c / groups))];
            perChannel[1][ch] = bias[(int) (ch / (c / groups))];
        }
        long rest = Dims.product(s, 1, s.rank()) / groups;
        Data grouped = m.emit("/grouped", "reshape", List.of(x.layer()), Map.of("shape", longsToList(s.dim(0), groups, rest)), Map.of());
        Statistics st = statistics(m, grouped, 2, 2, m.attrFloat("epsilon", 1e-5f));
        Data normalized = m.emit("/normalized", "mul", List.of(st.deviation().layer(), st.invStdDev().layer()), Map.of(), Map.of());
        Data back = m.emit(identity(scale, bias) ? "" : "/ungrouped", "reshape", List.of(normalized.layer()), Map.of("shape", intsToList(s.toArray())),
                Map.of());
        m.set(0, channelAffine(m, back, perChannel[0], perChannel[1]));
    }

    /** The identity at inference; training_mode=true (opset 12+) is refused, and so is a mask output something reads. */
    static void dropout(Importer m) {
        if (m.has(2)) {
            Const t = m.konst(2, "training_mode");
            if (t.size() != 1 || t.get(0) != 0) {
                throw refuse("training_mode=true; only inference is supported");
            }
        }
        m.refuseUsedOutput(1, "mask", "a bool tensor, and opsgi computes float32 values only");
        m.set(0, m.in(0));
    }
}
