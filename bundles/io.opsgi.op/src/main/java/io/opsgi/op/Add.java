package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;

/**
 * The add contract, {@code torch.add(input, other)} (alpha 1) with torch's broadcasting: one of the
 * {@link Binary} family ({@link BinaryOp#ADD}); the residual connection of ResNet-style blocks is its
 * same-shape case. Kept as a class for its name and for kernels built against io.opsgi.op 1.2.
 */
public final class Add {
    public static final String OP = "add";

    private Add() {
    }

    /** The broadcast output shape (e.g. [2, 3, 4, 5] + [3, 1, 1] is [2, 3, 4, 5]). */
    public static Shape outputShape(Shape input, Shape other) {
        return Binary.outputShape(OP, input, other);
    }

    /** {@code input + other}, broadcast, on a kernel of the binary family. Inputs are never written. */
    public static Tensor apply(BinaryKernel kernel, Tensor input, Tensor other) {
        return Binary.apply(kernel, BinaryOp.ADD, input, other);
    }

    /**
     * {@code input + other} for two tensors of one shape on an add kernel of io.opsgi.op 1.2.
     *
     * @deprecated the add op is served by {@link BinaryKernel} now; use {@link #apply(BinaryKernel, Tensor, Tensor)}
     */
    @Deprecated
    public static Tensor apply(AddKernel kernel, Tensor input, Tensor other) {
        OpException.check(input.shape().equals(other.shape()), OP, "shape_mismatch",
                "an AddKernel adds tensors of one shape only, got input of size " + input.shape() + " and other of size " + other.shape());
        float[] y = new float[input.size()];
        if (y.length > 0) {
            kernel.add(input.buffer(), other.buffer(), y);
        }
        return Tensor.wrap(input.shape(), y);
    }

    public static final Operator OPERATOR = Binary.operator(BinaryOp.ADD);

    /** See {@link Binary}: bit-exact, one unit of network depth. */
    public static final OpSchema SCHEMA = Binary.schema(BinaryOp.ADD);
}
