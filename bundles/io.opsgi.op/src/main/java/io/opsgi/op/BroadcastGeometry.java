package io.opsgi.op;

import io.opsgi.tensor.Shape;
import java.util.Arrays;

/**
 * One binary element-wise call after torch's broadcasting (torch.broadcast_shapes: shapes aligned
 * at the last dimension, a size-1 or missing dimension stretched): the op, the output shape, and
 * for each operand the element stride along every output dimension, 0 where the operand is
 * broadcast. Operand element of output index (i0, ..., ik) is {@code sum(i_d * stride_d)}.
 */
public final class BroadcastGeometry {
    private final BinaryOp op;
    private final Shape output;
    private final int[] inputStrides;
    private final int[] otherStrides;

    BroadcastGeometry(BinaryOp op, Shape output, int[] inputStrides, int[] otherStrides) {
        this.op = op;
        this.output = output;
        this.inputStrides = inputStrides;
        this.otherStrides = otherStrides;
    }

    public BinaryOp op() {
        return op;
    }

    public Shape output() {
        return output;
    }

    /** The stride of {@code input} along output dimension {@code d}; 0 where it is broadcast. */
    public int inputStride(int d) {
        return inputStrides[d];
    }

    /** The stride of {@code other} along output dimension {@code d}; 0 where it is broadcast. */
    public int otherStride(int d) {
        return otherStrides[d];
    }

    /** Whether both operands have the output's shape (no broadcasting at all; includes size-1 dims on both sides). */
    public boolean sameShape() {
        return Arrays.equals(inputStrides, otherStrides) && isContiguous(inputStrides);
    }

    /** Whether operand strides {@code s} walk the output in row-major order (the operand is as large as the output). */
    public boolean isContiguous(int[] s) {
        int expected = 1;
        for (int d = output.rank() - 1; d >= 0; d--) {
            if (output.dim(d) != 1 && s[d] != expected) {
                return false;
            }
            expected *= output.dim(d);
        }
        return true;
    }

    /** The input's strides (a copy). */
    public int[] inputStrides() {
        return inputStrides.clone();
    }

    /** The other operand's strides (a copy). */
    public int[] otherStrides() {
        return otherStrides.clone();
    }

    @Override
    public String toString() {
        return op.op() + " output=" + output + " input strides=" + Arrays.toString(inputStrides) + " other strides=" + Arrays.toString(otherStrides);
    }
}
