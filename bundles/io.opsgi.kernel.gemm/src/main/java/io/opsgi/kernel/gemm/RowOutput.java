package io.opsgi.kernel.gemm;

import io.opsgi.kernel.support.VectorEpilogue;

/**
 * What {@link Sgemm} does to C's rows as it stores them, when C's rows are a layer's output channels
 * (conv2d as a GEMM): row i is channel {@code firstRow + i}; its bias is added by the store of the first
 * K block, and its epilogue (affine map, residual add, activation) is applied by the store of the last
 * K block, to each tile as it is stored, while it is in L1 ({@link VectorEpilogue#applyRows}). Before, the bias was a fill of
 * C and the epilogue a pass over all of C after the product, each of them a trip through memory.
 *
 * <p>The arithmetic is the separate passes': the bias is added to the first block's sum (bias + sum is
 * sum + bias in IEEE arithmetic), the epilogue sees the finished value, so the results are the same bits.
 *
 * @param bias     per-channel bias, or null
 * @param firstRow the channel of C's row 0
 * @param epilogue applied to each finished value, or null
 * @param residual the epilogue's residual tensor, read at C's own indices (it has C's layout), or null
 */
public record RowOutput(float[] bias, int firstRow, VectorEpilogue epilogue, float[] residual) {
}
