package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The add contract: {@code torch.add(input, other)} (alpha 1) for two tensors of the same shape,
 * the residual connection of ResNet-style blocks. PyTorch also broadcasts (e.g. [2, 3, 4, 5] +
 * [1, 3, 1, 1]); this contract does not, so a residual whose branches disagree is an error here
 * rather than a silent broadcast.
 */
public final class Add {
    public static final String OP = "add";

    private Add() {
    }

    public static Shape outputShape(Shape input, Shape other) {
        // torch: "The size of tensor a (5) must match the size of tensor b (6) at non-singleton dimension 3"
        OpException.check(input.equals(other), OP, "shape_mismatch",
                "input and other must have the same shape, got input of size " + input + " and other of size " + other);
        return input;
    }

    /** {@code input + other}, one correctly rounded float addition per element. Inputs are never written. */
    public static Tensor apply(AddKernel kernel, Tensor input, Tensor other) {
        Shape out = outputShape(input.shape(), other.shape());
        float[] y = new float[out.size()];
        if (y.length > 0) {
            kernel.add(input.buffer(), other.buffer(), y);
        }
        return Tensor.wrap(out, y);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, AddKernel.class, List.of("input", "other"), (kernel, attrs, in) ->
            Map.of("output", apply((AddKernel) kernel, Operators.required(OP, in, "input"), Operators.required(OP, in, "other"))));

    /**
     * One correctly rounded addition per element: bit-exact on PyTorch's inputs. In a network its two
     * inputs already differ from PyTorch's, and their sum is rounded once more: one unit of depth.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), n.shape("other")))
            .withField((n, in, out) -> in.get(0).merge(in.get(1)))
            .withNetworkDepth((n, out) -> 1.0);
}
