package io.opsgi.kernel.conv2d.gemm;

import static io.opsgi.kernel.gemm.Sgemm.NR;

import io.opsgi.kernel.gemm.BPacker;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The im2col matrix of one image and group, packed straight into the GEMM's B panels without ever
 * being stored whole. Row {@code r = (c·kh + i)·kw + j} of B is tap (i, j) of channel c, column
 * {@code t = oh·OW + ow} an output position, and
 * <pre>
 * B[r][t] = src.data[src.tap(c, i·dH, j·dW) + oh·src.rowStride + ow]
 * </pre>
 * where {@link PhasedInput} has already applied the padding and the stride, so no element needs a
 * bounds test and consecutive positions of an output row are consecutive in memory.
 *
 * <p>A panel row is NR consecutive output positions: two vectors, each made of at most a few runs
 * (one per output row it touches) at offsets from the row's tap that are the same for every row of
 * the panel. So they are worked out once per panel, and each row is a few loads blended together
 * and two stores. Panels whose vectors touch more than {@link #MAX_RUNS} output rows, the last
 * partial panel, and rows at the very ends of the input go run by run instead.
 */
final class Im2colPacker implements BPacker {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Output rows one vector may touch on the fast path (output width 5 or more). */
    private static final int MAX_RUNS = 4;

    private final PhasedInput src;
    private final int taps, outW;
    /** For tap t = i·kw + j: where it reads in channel 0 relative to src.origin(). */
    private final int[] tapAt;

    Im2colPacker(PhasedInput src, int kh, int kw, int dH, int dW, int outW) {
        this.src = src;
        this.taps = kh * kw;
        this.outW = outW;
        this.tapAt = new int[taps];
        for (int t = 0; t < taps; t++) {
            tapAt[t] = src.tap(0, t / kw * dH, t % kw * dW) - src.origin();
        }
    }

    @Override
    public void pack(int k0, int kc, int j0, int nc, float[] dst) {
        int[] off = new int[2 * MAX_RUNS], lane = new int[2 * MAX_RUNS], runs = new int[2];
        for (int q = 0; q < nc; q += NR) {
            int cols = Math.min(NR, nc - q);
            boolean fast = cols == NR && runs(j0 + q, off, lane, runs, 0) && runs(j0 + q + V, off, lane, runs, 1);
            if (fast) {
                panelByVectors(k0, kc, j0 + q, dst, q * kc, off, lane, runs);
            } else {
                panelByRuns(k0, kc, j0 + q, cols, dst, q * kc);
            }
        }
    }

    /**
     * The runs of the vector of positions [pos, pos + V): for run r, {@code off} such that lane N
     * reads tap + off + N, and the first lane it supplies. False if more than MAX_RUNS.
     */
    private boolean runs(int pos, int[] off, int[] lane, int[] runs, int v) {
        int oh = pos / outW, ow = pos % outW, n = 0;
        for (int l = 0; l < V; n++) {
            if (n == MAX_RUNS) {
                return false;
            }
            off[v * MAX_RUNS + n] = oh * src.rowStride() + ow - l;
            lane[v * MAX_RUNS + n] = l;
            l += outW - ow;
            oh++;
            ow = 0;
        }
        runs[v] = n;
        return true;
    }

    private void panelByVectors(int k0, int kc, int pos, float[] dst, int panel, int[] off, int[] lane, int[] runs) {
        float[] x = src.data();
        int n0 = runs[0], n1 = runs[1];
        VectorMask<Float> m01 = from(lane, 1, n0), m02 = from(lane, 2, n0), m03 = from(lane, 3, n0);
        VectorMask<Float> m11 = from(lane, MAX_RUNS + 1, n1), m12 = from(lane, MAX_RUNS + 2, n1), m13 = from(lane, MAX_RUNS + 3, n1);
        int o00 = off[0], o01 = off[1], o02 = off[2], o03 = off[3];
        int o10 = off[MAX_RUNS], o11 = off[MAX_RUNS + 1], o12 = off[MAX_RUNS + 2], o13 = off[MAX_RUNS + 3];
        int lo = Math.min(o00, Math.min(o10, Math.min(n0 > 1 ? o01 : o00, n1 > 1 ? o11 : o10)));
        int hi = Math.max(off[n0 - 1], off[MAX_RUNS + n1 - 1]) + V;
        int c = k0 / taps, t = k0 % taps;
        for (int p = 0, d = panel; p < kc; p++, d += NR) {
            int base = src.origin() + c * src.channelStride() + tapAt[t];
            if (base + lo < 0 || base + hi > x.length) {
                row(x, base, pos, NR, dst, d); // whole vectors would leave the array
            } else {
                FloatVector v0 = FloatVector.fromArray(S, x, base + o00);
                if (n0 > 1) {
                    v0 = v0.blend(FloatVector.fromArray(S, x, base + o01), m01);
                    if (n0 > 2) {
                        v0 = v0.blend(FloatVector.fromArray(S, x, base + o02), m02);
                        if (n0 > 3) {
                            v0 = v0.blend(FloatVector.fromArray(S, x, base + o03), m03);
                        }
                    }
                }
                FloatVector v1 = FloatVector.fromArray(S, x, base + o10);
                if (n1 > 1) {
                    v1 = v1.blend(FloatVector.fromArray(S, x, base + o11), m11);
                    if (n1 > 2) {
                        v1 = v1.blend(FloatVector.fromArray(S, x, base + o12), m12);
                        if (n1 > 3) {
                            v1 = v1.blend(FloatVector.fromArray(S, x, base + o13), m13);
                        }
                    }
                }
                v0.intoArray(dst, d);
                v1.intoArray(dst, d + V);
            }
            if (++t == taps) {
                t = 0;
                c++;
            }
        }
    }

    /** Lanes from {@code lane[r]} on, or none if the vector has no run r. */
    private static VectorMask<Float> from(int[] lane, int r, int runs) {
        int first = r % MAX_RUNS < runs ? lane[r] : V;
        return S.indexInRange(-first, V - first);
    }

    private void panelByRuns(int k0, int kc, int pos, int cols, float[] dst, int panel) {
        float[] x = src.data();
        int c = k0 / taps, t = k0 % taps;
        for (int p = 0, d = panel; p < kc; p++, d += NR) {
            row(x, src.origin() + c * src.channelStride() + tapAt[t], pos, cols, dst, d);
            if (cols < NR) {
                Arrays.fill(dst, d + cols, d + NR, 0f);
            }
            if (++t == taps) {
                t = 0;
                c++;
            }
        }
    }

    /** dst[d .. d+cols) = positions [pos, pos+cols) of the B row whose tap starts at {@code base}, run by run. */
    private void row(float[] x, int base, int pos, int cols, float[] dst, int d) {
        int oh = pos / outW, ow = pos % outW;
        for (int left = cols; left > 0; oh++, ow = 0) {
            int len = Math.min(left, outW - ow), at = base + oh * src.rowStride() + ow;
            for (int l = 0; l < len; l++) {
                dst[d + l] = x[at + l];
            }
            d += len;
            left -= len;
        }
    }
}
