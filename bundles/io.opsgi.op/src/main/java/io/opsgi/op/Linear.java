package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The linear contract: {@code F.linear} / {@code nn.Linear} semantics, validation and output shape.
 * The input is (*, in_features) with any number of leading dimensions (a 1-D input is one vector);
 * the output is (*, out_features).
 */
public final class Linear {
    public static final String OP = "linear";

    private Linear() {
    }

    /** The output shape, with no kernel: what {@link #apply} would return, or the error it would raise. */
    public static Shape outputShape(Shape input, Shape weight, Shape bias) {
        return shape(input, geometry(input, weight, bias));
    }

    /** Validates and runs {@code kernel}. Inputs are never written. */
    public static Tensor apply(LinearKernel kernel, Tensor input, Tensor weight, Tensor bias) {
        LinearGeometry g = geometry(input.shape(), weight.shape(), bias == null ? null : bias.shape());
        Shape out = shape(input.shape(), g);
        float[] y = new float[out.size()];
        if (y.length > 0) {
            kernel.linear(g, input.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), y);
        }
        return Tensor.wrap(out, y);
    }

    private static LinearGeometry geometry(Shape xs, Shape ws, Shape bs) {
        // torch: "both arguments to matmul need to be at least 1D, but they are 0D and 2D"
        OpException.check(xs.rank() >= 1, OP, "input_rank", "expected an input of at least 1 dimension (*, in_features), got input of size " + xs);
        // torch: "t() expects a tensor with <= 2 dimensions, but self is 3D" (nn.Linear's weight is always 2-D)
        OpException.check(ws.rank() == 2, OP, "weight_rank", "weight must be 2-D (out_features, in_features), got weight of size " + ws);
        int in = xs.dim(-1), out = ws.dim(0);
        // torch: "mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)"
        OpException.check(in == ws.dim(1), OP, "input_features", "the input's last dimension must equal in_features = weight.size(1), got input of size "
                + xs + " (" + in + " features) and weight of size " + ws + " (" + ws.dim(1) + ")");
        OpException.check(bs == null || (bs.rank() == 1 && bs.dim(0) == out), OP, "bias_shape",
                "bias must be 1-D with " + out + " elements, got bias of size " + bs);
        return new LinearGeometry(rowsOf(xs), in, out);
    }

    /** (*, out_features): the input's shape with its last dimension replaced. */
    private static Shape shape(Shape xs, LinearGeometry g) {
        long[] dims = java.util.Arrays.stream(xs.toArray()).asLongStream().toArray();
        dims[dims.length - 1] = g.outFeatures();
        return Shapes.output(OP, dims);
    }

    /**
     * The number of input vectors: the product of every dimension but the last (also when in_features is 0). A
     * prefix product of a Shape, so at most 2^30 (Shape bounds every running product) or 0.
     */
    private static int rowsOf(Shape xs) {
        int rows = 1;
        for (int d = 0; d < xs.rank() - 1; d++) {
            rows *= xs.dim(d);
        }
        return rows;
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, LinearKernel.class, List.of("input", "weight", "bias"), (kernel, attrs, in) ->
            Map.of("output", apply((LinearKernel) kernel, Operators.required(OP, in, "input"), Operators.required(OP, in, "weight"), in.get("bias"))));

    /** K = in_features; one multiply-add per output element and feature. On an (N, C, H, W) input a linear layer mixes the width. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), n.shape("weight"), n.optional("bias")))
            .withTolerance(ToleranceClass.REDUCTION)
            .withReduction(n -> inFeatures(n.shape("weight")))
            .withMacs((n, out) -> OpSchema.saturatingProduct(out.size(), inFeatures(n.shape("weight"))))
            .withField((n, in, out) -> {
                ReceptiveField f = in.get(0);
                Shape x = n.input();
                return x.rank() == 4 && f.spatial() ? new ReceptiveField(f.rfH(), f.rfW() + (x.dim(3) - 1) * f.jumpW(), f.jumpH(), f.jumpW(), true) : f;
            });

    private static int inFeatures(Shape w) {
        return w.rank() == 2 ? w.dim(1) : Math.max(1, w.size());
    }
}
