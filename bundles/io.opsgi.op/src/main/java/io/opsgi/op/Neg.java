package io.opsgi.op;

import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** The neg contract: torch.neg, any shape (throwaway op for docs/ADDING-AN-OPERATOR.md). */
public final class Neg {
    public static final String OP = "neg";

    private Neg() {
    }

    public static Tensor apply(NegKernel kernel, Tensor x) {
        float[] y = new float[x.size()];
        if (y.length > 0) {
            kernel.neg(x.buffer(), y);
        }
        return Tensor.wrap(x.shape(), y);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, NegKernel.class, List.of("input"), (kernel, attrs, in) ->
            Map.of("output", apply((NegKernel) kernel, Operators.required(OP, in, "input"))));

    /** A sign flip: bit-exact, the input's shape. */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, OpNode::input);
}
