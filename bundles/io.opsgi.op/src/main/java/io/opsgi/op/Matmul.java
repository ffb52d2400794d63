package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The matmul contract, {@code torch.matmul(input, other)}: 1-D x 1-D is a dot product (a 0-d
 * result), 2-D x 2-D a matrix product, a 1-D input is a row (its dimension prepended, then removed
 * from the result), a 1-D other a column (appended, then removed), and higher ranks are batches of
 * matrices whose batch dimensions (all but the last two) broadcast as torch's element-wise ops do.
 */
public final class Matmul {
    public static final String OP = "matmul";

    private Matmul() {
    }

    public static Shape outputShape(Shape input, Shape other) {
        return plan(input, other).output;
    }

    /** Validates and runs {@code kernel}. Inputs are never written. */
    public static Tensor apply(MatmulKernel kernel, Tensor input, Tensor other) {
        Plan p = plan(input.shape(), other.shape());
        float[] y = new float[p.output.size()];
        if (y.length > 0) {
            kernel.matmul(p.geometry, input.buffer(), other.buffer(), y);
        }
        return Tensor.wrap(p.output, y);
    }

    private record Plan(Shape output, MatmulGeometry geometry) {
    }

    /** ATen's matmul (aten/src/ATen/native/LinearAlgebra.cpp, 1.13), written as one general batched rule. */
    private static Plan plan(Shape a, Shape b) {
        // torch: "both arguments to matmul need to be at least 1D, but they are 0D and 1D"
        OpException.check(a.rank() >= 1 && b.rank() >= 1, OP, "input_rank",
                "both arguments to matmul need to be at least 1D, got input of size " + a + " (" + a.rank() + "D) and other of size " + b
                        + " (" + b.rank() + "D)");
        boolean rowVector = a.rank() == 1, columnVector = b.rank() == 1;
        int m = rowVector ? 1 : a.dim(-2), k = a.dim(-1);
        int kOther = columnVector ? b.dim(0) : b.dim(-2), n = columnVector ? 1 : b.dim(-1);
        // torch: "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)" (1-D: "inconsistent tensor size", "size mismatch")
        OpException.check(k == kOther, OP, "inner_size", "shapes cannot be multiplied: the input's last dimension (" + k
                + ") must equal the other's " + (columnVector ? "size" : "second-to-last dimension") + " (" + kOther + "), got input of size " + a
                + " and other of size " + b);
        int[] batchA = Arrays.copyOf(a.toArray(), Math.max(0, a.rank() - 2));
        int[] batchB = Arrays.copyOf(b.toArray(), Math.max(0, b.rank() - 2));
        int rank = Math.max(batchA.length, batchB.length);
        int[] batch = new int[rank];
        for (int d = rank - 1; d >= 0; d--) {
            int x = sizeAt(batchA, d, rank), y = sizeAt(batchB, d, rank);
            // torch: "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"
            OpException.check(x == y || x == 1 || y == 1, OP, "shape_mismatch", "the batch dimensions must broadcast: the size of tensor a (" + x
                    + ") must match the size of tensor b (" + y + ") at non-singleton dimension " + d + ", got input of size " + a + " and other of size " + b);
            batch[d] = x == 1 ? y : x;
        }
        long[] dims = new long[rank + (rowVector ? 0 : 1) + (columnVector ? 0 : 1)];
        for (int d = 0; d < rank; d++) {
            dims[d] = batch[d];
        }
        int at = rank;
        if (!rowVector) {
            dims[at++] = m;
        }
        if (!columnVector) {
            dims[at] = n;
        }
        Shape out = Shapes.output(OP, dims);
        return new Plan(out, new MatmulGeometry(m, k, n, batch, batchStrides(batchA, batch, m * k), batchStrides(batchB, batch, k * n)));
    }

    private static int sizeAt(int[] dims, int d, int rank) {
        int own = d - (rank - dims.length);
        return own < 0 ? 1 : dims[own];
    }

    /** Element strides of one operand's matrices along the broadcast batch dimensions, 0 where it is broadcast. */
    private static int[] batchStrides(int[] own, int[] batch, int matrix) {
        int[] strides = new int[batch.length];
        long stride = matrix;
        for (int d = batch.length - 1; d >= 0; d--) {
            int size = sizeAt(own, d, batch.length);
            strides[d] = size == 1 ? 0 : (int) stride; // within the operand's own size, which a Shape bounds to 2^30
            stride *= size;
        }
        return strides;
    }

    /** K, the contraction length; 1 for an invalid node (its shape function reports the error). */
    private static int contraction(OpNode n) {
        Shape a = n.input();
        return a.rank() >= 1 ? Math.max(1, a.dim(-1)) : 1;
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, MatmulKernel.class, List.of("input", "other"), (kernel, attrs, in) ->
            Map.of("output", apply((MatmulKernel) kernel, Operators.required(OP, in, "input"), Operators.required(OP, in, "other"))));

    /**
     * Sums of K = the contraction length: as for linear, PyTorch hands the products to a blocked BLAS
     * (dot, mv, mm, bmm), whose summation order is not reproducible, so the reference matches within
     * the sqrt(K) reduction tolerance, not bit for bit. One multiply-add per output element and term.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), n.shape("other")))
            .withTolerance(ToleranceClass.REDUCTION)
            .withReduction(Matmul::contraction)
            .withMacs((n, out) -> OpSchema.saturatingProduct(out.size(), n.input().rank() >= 1 ? n.input().dim(-1) : 0))
            .withField((n, in, out) -> in.get(0).merge(in.get(1)))
            .withOnnxNote("ONNX MatMul is numpy.matmul: the same 1-D promotion and batch broadcasting as torch.matmul; ONNX Runtime's"
                    + " MLAS sums in its own order, so ONNX Runtime, PyTorch and opsgi agree within the sqrt(K) bound, not bit for bit");
}
