package io.opsgi.op;

/**
 * One {@code torch.matmul} call as a batch of matrix products: {@code batch()} products of an
 * (m x k) matrix of {@code input} with a (k x n) matrix of {@code other}, both row-major, into the
 * row-major (batch, m, n) output. A 1-D operand is one row (input) or one column (other); the batch
 * dimensions are broadcast, so a matrix may serve several products: {@link #inputOffset} and
 * {@link #otherOffset} say where each product's matrices start.
 */
public final class MatmulGeometry {
    private final int m;
    private final int k;
    private final int n;
    private final int[] batchDims;
    private final int[] inputBatchStrides;
    private final int[] otherBatchStrides;
    private final int batch;

    MatmulGeometry(int m, int k, int n, int[] batchDims, int[] inputBatchStrides, int[] otherBatchStrides) {
        this.m = m;
        this.k = k;
        this.n = n;
        this.batchDims = batchDims;
        this.inputBatchStrides = inputBatchStrides;
        this.otherBatchStrides = otherBatchStrides;
        long b = 1;
        for (int d : batchDims) {
            b *= d;
        }
        this.batch = (int) Math.min(b, Integer.MAX_VALUE); // the contract has bounded batch * m * n to 2^30 when m * n > 0
    }

    /** Rows of each product (1 for a 1-D input). */
    public int m() {
        return m;
    }

    /** The contraction length K: the terms summed into one output element. */
    public int k() {
        return k;
    }

    /** Columns of each product (1 for a 1-D other). */
    public int n() {
        return n;
    }

    /** The number of products (the broadcast batch shape's size; 1 without batch dimensions). */
    public int batch() {
        return batch;
    }

    /** Where product {@code b}'s (m x k) input matrix starts in {@code input}. */
    public int inputOffset(int b) {
        return offset(b, inputBatchStrides);
    }

    /** Where product {@code b}'s (k x n) matrix starts in {@code other}. */
    public int otherOffset(int b) {
        return offset(b, otherBatchStrides);
    }

    private int offset(int b, int[] strides) {
        int offset = 0;
        for (int d = batchDims.length - 1; d >= 0; d--) {
            offset += (b % batchDims[d]) * strides[d];
            b /= batchDims[d];
        }
        return offset;
    }

    @Override
    public String toString() {
        return "matmul batch=" + java.util.Arrays.toString(batchDims) + " m=" + m + " k=" + k + " n=" + n;
    }
}
