package io.opsgi.op;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The adaptive pooling contracts, and global pooling as their 1x1 case. An output size given as
 * null keeps that input dimension; outputs larger than the input are allowed (windows repeat).
 */
public final class AdaptivePool2d {
    public static final String AVG = "adaptive_avg_pool2d";
    public static final String MAX = "adaptive_max_pool2d";
    public static final String GLOBAL_AVG = "global_avg_pool2d";
    public static final String GLOBAL_MAX = "global_max_pool2d";

    private AdaptivePool2d() {
    }

    /** The output shape of {@code op}; the global ops are 1x1 whatever size is asked. */
    public static Shape outputShape(String op, Shape input, Integer oh, Integer ow) {
        Integer one = 1;
        boolean global = op.equals(GLOBAL_AVG) || op.equals(GLOBAL_MAX);
        return Shapes.unbatch(shape(geometry(op, input, global ? one : oh, global ? one : ow)), input.rank());
    }

    public static Tensor avg(AdaptiveAvgPool2dKernel kernel, Tensor input, Integer oh, Integer ow) {
        return avg(AVG, kernel, input, oh, ow);
    }

    public static Tensor globalAvg(AdaptiveAvgPool2dKernel kernel, Tensor input) {
        return avg(GLOBAL_AVG, kernel, input, 1, 1);
    }

    public static Pooled max(AdaptiveMaxPool2dKernel kernel, Tensor input, Integer oh, Integer ow) {
        return max(MAX, kernel, input, oh, ow);
    }

    public static Pooled globalMax(AdaptiveMaxPool2dKernel kernel, Tensor input) {
        return max(GLOBAL_MAX, kernel, input, 1, 1);
    }

    private static Tensor avg(String op, AdaptiveAvgPool2dKernel kernel, Tensor input, Integer oh, Integer ow) {
        AdaptiveGeometry g = geometry(op, input.shape(), oh, ow);
        Shape out = Shapes.unbatch(shape(g), input.rank());
        float[] y = new float[out.size()];
        if (y.length > 0) {
            kernel.adaptiveAvgPool2d(g, input.buffer(), y);
        }
        return Tensor.wrap(out, y);
    }

    private static Pooled max(String op, AdaptiveMaxPool2dKernel kernel, Tensor input, Integer oh, Integer ow) {
        AdaptiveGeometry g = geometry(op, input.shape(), oh, ow);
        Shape out = Shapes.unbatch(shape(g), input.rank());
        float[] y = new float[out.size()];
        long[] idx = new long[out.size()];
        if (y.length > 0) {
            kernel.adaptiveMaxPool2d(g, input.buffer(), y, idx);
        }
        return new Pooled(Tensor.wrap(out, y), IndexTensor.wrap(out, idx));
    }

    private static Shape shape(AdaptiveGeometry g) {
        return Shape.of(g.n(), g.c(), g.oh(), g.ow());
    }

    private static AdaptiveGeometry geometry(String op, Shape xs, Integer oh, Integer ow) {
        Shape x4 = Shapes.batched(op, xs);
        int n = x4.dim(0), c = x4.dim(1), h = x4.dim(2), w = x4.dim(3);
        int outH = oh == null ? h : oh, outW = ow == null ? w : ow;
        OpException.check(outH >= 0 && outW >= 0, op, "output_size_non_negative",
                "elements of output_size must be greater than or equal to 0, got output_size=[" + outH + ", " + outW + "]");
        // ATen: adaptive_avg_pool2d checks only dims -2, -1 (C = 0 is accepted); adaptive_max_pool2d checks
        // dims 1..ndim-1, which for an unbatched (C, H, W) input are H and W only.
        boolean avg = op.equals(AVG) || op.equals(GLOBAL_AVG);
        boolean nonEmpty = h > 0 && w > 0 && (avg || xs.rank() == 3 || c > 0);
        OpException.check(nonEmpty, op, "empty_input",
                "expected input to have non-zero size for non-batch dimensions, got input of size " + xs);
        Shapes.output(op, n, c, outH, outW);
        return new AdaptiveGeometry(n, c, h, w, outH, outW);
    }

    private static Integer[] outputSize(String op, Map<String, ?> attrs) {
        return new TorchAttrs(op, attrs).nullablePair("output_size");
    }

    public static final Operator AVG_OPERATOR = new OperatorSpec(AVG, AdaptiveAvgPool2dKernel.class, List.of("input"), (kernel, attrs, in) -> {
        Integer[] o = outputSize(AVG, attrs);
        return Map.of("output", avg((AdaptiveAvgPool2dKernel) kernel, Operators.required(AVG, in, "input"), o[0], o[1]));
    });

    public static final Operator MAX_OPERATOR = new OperatorSpec(MAX, AdaptiveMaxPool2dKernel.class, List.of("input"), (kernel, attrs, in) -> {
        Integer[] o = outputSize(MAX, attrs);
        return max((AdaptiveMaxPool2dKernel) kernel, Operators.required(MAX, in, "input"), o[0], o[1]).asMap();
    });

    public static final Operator GLOBAL_AVG_OPERATOR = new OperatorSpec(GLOBAL_AVG, AdaptiveAvgPool2dKernel.class, List.of("input"),
            (kernel, attrs, in) -> Map.of("output", globalAvg((AdaptiveAvgPool2dKernel) kernel, Operators.required(GLOBAL_AVG, in, "input"))));

    public static final Operator GLOBAL_MAX_OPERATOR = new OperatorSpec(GLOBAL_MAX, AdaptiveMaxPool2dKernel.class, List.of("input"),
            (kernel, attrs, in) -> globalMax((AdaptiveMaxPool2dKernel) kernel, Operators.required(GLOBAL_MAX, in, "input")).asMap());

    /**
     * adaptive_avg_pool2d sums each window in ATen's order and divides once (bit-exact), except at
     * output size 1x1, which ATen turns into x.mean((-1, -2)): a vectorized cascade sum of K = H·W.
     * An output sees the longest of the overlapping windows ATen uses, in/out inputs apart.
     */
    public static final OpSchema AVG_SCHEMA = OpSchema.of(AVG, AVG_OPERATOR, n -> outputShape(AVG, n, outputSize(AVG, n.attrs())))
            .withTolerance(ToleranceClass.BIT_EXACT, "1x1: sqrt(K)",
                    (n, out) -> out.rank() >= 2 && out.dim(-1) == 1 && out.dim(-2) == 1 ? ToleranceClass.REDUCTION : ToleranceClass.BIT_EXACT)
            .withReduction(AdaptivePool2d::plane)
            .withField(AdaptivePool2d::field);

    public static final OpSchema MAX_SCHEMA = OpSchema.of(MAX, MAX_OPERATOR, n -> outputShape(MAX, n, outputSize(MAX, n.attrs())))
            .withField(AdaptivePool2d::field);

    /** x.mean((-1, -2)): a sum of K = H·W. */
    public static final OpSchema GLOBAL_AVG_SCHEMA = OpSchema.of(GLOBAL_AVG, GLOBAL_AVG_OPERATOR, n -> outputShape(GLOBAL_AVG, n, null))
            .withTolerance(ToleranceClass.REDUCTION)
            .withReduction(AdaptivePool2d::plane)
            .withField(AdaptivePool2d::field);

    public static final OpSchema GLOBAL_MAX_SCHEMA = OpSchema.of(GLOBAL_MAX, GLOBAL_MAX_OPERATOR, n -> outputShape(GLOBAL_MAX, n, null))
            .withField(AdaptivePool2d::field);

    private static Shape outputShape(String op, OpNode n, Integer[] size) {
        return size == null ? outputShape(op, n.input(), 1, 1) : outputShape(op, n.input(), size[0], size[1]);
    }

    private static int plane(OpNode n) {
        Shape x = n.input();
        return x.rank() >= 2 ? x.dim(-1) * x.dim(-2) : x.size();
    }

    private static ReceptiveField field(OpNode n, List<ReceptiveField> in, Shape out) {
        int h = n.input().dim(-2), w = n.input().dim(-1), oh = out.dim(-2), ow = out.dim(-1);
        if (oh == 0 || ow == 0) {
            return in.get(0);
        }
        return in.get(0).window(longestWindow(h, oh), longestWindow(w, ow), (double) h / oh, (double) w / ow);
    }

    private static int longestWindow(int in, int out) {
        int longest = 0;
        for (int o = 0; o < out; o++) {
            longest = Math.max(longest, OutputSize.adaptiveEnd(o, in, out) - OutputSize.adaptiveStart(o, in, out));
        }
        return longest;
    }
}
