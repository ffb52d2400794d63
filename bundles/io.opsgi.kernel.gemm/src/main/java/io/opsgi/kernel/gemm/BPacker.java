package io.opsgi.kernel.gemm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The B operand of {@link Sgemm}, as the GEMM consumes it: blocks of B written straight into
 * packed panels. A caller whose B is not a stored matrix (conv2d's im2col matrix, computed from
 * the image) implements this and never materializes B; {@link #dense} packs a stored one.
 *
 * <p>Packed layout of the block B[k0 .. k0+kc) x [j0 .. j0+nc): panels of {@link Sgemm#NR}
 * consecutive columns, one after the other; inside panel {@code q}, row {@code p} holds columns
 * {@code j0 + q·NR .. j0 + q·NR + NR - 1} contiguously:
 * <pre>
 * dst[q·kc·NR + p·NR + jj] = B[k0 + p][j0 + q·NR + jj]      (0 &lt;= p &lt; kc, 0 &lt;= jj &lt; NR)
 * </pre>
 * Columns at or past {@code j0 + nc} in the last panel must be written as 0. {@code dst} has at
 * least {@link Sgemm#NR} floats of room past the block, which an implementation may overwrite
 * (e.g. to store whole vectors and let later writes cover the excess).
 *
 * <p>{@link #pack} is called concurrently from several threads, each with its own {@code dst}, so
 * an implementation must not keep mutable state.
 */
@ConsumerType
@FunctionalInterface
public interface BPacker {

    /** Writes B[k0 .. k0+kc) x [j0 .. j0+nc) into {@code dst} from index 0, in the layout above. */
    void pack(int k0, int kc, int j0, int nc, float[] dst);

    /**
     * A stored row-major matrix: B[p][j] = {@code b[offset + p·ld + j]}, or, if {@code transposed},
     * {@code b[offset + j·ld + p]} (B is then the transpose of the stored matrix).
     */
    static BPacker dense(float[] b, int offset, int ld, boolean transposed) {
        return transposed
                ? (k0, kc, j0, nc, dst) -> Packing.packBTransposed(b, offset, ld, k0, kc, j0, nc, dst)
                : (k0, kc, j0, nc, dst) -> Packing.packB(b, offset, ld, k0, kc, j0, nc, dst);
    }
}
