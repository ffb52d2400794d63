package io.opsgi.kernel.conv2d.gemm;

import io.opsgi.op.ConvGeometry;
import java.util.Arrays;

/**
 * One image-group of the input laid out so that every row of the im2col matrix is made of
 * contiguous runs: zero-padded on every side a tap reads, and split by stride phase. Padded position
 * (r, s) of channel c (padded (0, 0) is input (-padTop, -padLeft)) is stored in phase plane
 * (r mod sH, s mod sW) at (r div sH, s div sW), so with {@code di = i·dH}, {@code dj = j·dW}, tap (i, j)
 * of output (oh, ow) reads
 * <pre>
 * data[{@link #tap}(c, di, dj) + oh·rowStride + ow]
 * </pre>
 * and consecutive ow are consecutive elements, whatever the stride. With stride 1 there is one
 * phase; with stride 1 and no padding the input itself is used, uncopied.
 *
 * @param channelStride  elements per channel (all its phases)
 * @param phaseRowStride elements per row phase (sW phase planes)
 * @param planeSize      elements per phase plane
 * @param rowStride      elements per row of a phase plane
 */
record PhasedInput(float[] data, int origin, int sH, int sW, int channelStride, int phaseRowStride, int planeSize, int rowStride) {

    /** Where tap offset (di, dj) of channel c reads for output (0, 0). */
    int tap(int c, int di, int dj) {
        return origin + c * channelStride + di % sH * phaseRowStride + dj % sW * planeSize + di / sH * rowStride + dj / sW;
    }

    /**
     * Channels [firstChannel, firstChannel + cInPerGroup) of image {@code n}, padded just enough:
     * rows up to {@code (oh-1)·sH + (kh-1)·dH}, columns up to {@code (ow-1)·sW + (kw-1)·dW}.
     * A copy goes to the caller's thread-local scratch, grown as needed and kept.
     */
    static PhasedInput of(ConvGeometry g, float[] x, int n, int firstChannel, ThreadLocal<float[]> scratch) {
        int h = g.h(), w = g.w(), pT = g.padTop(), pL = g.padLeft(), sH = g.strideH(), sW = g.strideW();
        int hp = (g.oh() - 1) * sH + (g.kh() - 1) * g.dilationH() + 1;
        int wp = (g.ow() - 1) * sW + (g.kw() - 1) * g.dilationW() + 1;
        int xChannels = (n * g.cIn() + firstChannel) * h * w;
        if (sH == 1 && sW == 1 && pT == 0 && pL == 0 && hp <= h && wp <= w) {
            return new PhasedInput(x, xChannels, 1, 1, h * w, h * w, h * w, w);
        }
        int hq = (hp + sH - 1) / sH, wq = (wp + sW - 1) / sW, plane = hq * wq, channel = sH * sW * plane;
        int cg = g.cInPerGroup();
        float[] buf = scratch.get();
        if (buf.length < cg * channel) {
            buf = new float[cg * channel];
            scratch.set(buf);
        }
        for (int c = 0; c < cg; c++) {
            int from = xChannels + c * h * w, to = c * channel;
            if (sH == 1 && sW == 1) {
                pad(x, from, h, w, pT, pL, buf, to, hp, wp);
            } else {
                split(g, x, from, buf, to, hq, wq);
            }
        }
        return new PhasedInput(buf, 0, sH, sW, channel, sW * plane, plane, wq);
    }

    /** One channel, stride 1: padded rows of wp, input rows copied whole. */
    private static void pad(float[] x, int from, int h, int w, int pT, int pL, float[] buf, int to, int hp, int wp) {
        int left = Math.min(pL, wp), inside = Math.max(0, Math.min(w, wp - pL)); // input columns that land in a padded row
        for (int r = 0; r < hp; r++) {
            int row = to + r * wp, ih = r - pT;
            if (ih < 0 || ih >= h) {
                Arrays.fill(buf, row, row + wp, 0f);
                continue;
            }
            Arrays.fill(buf, row, row + left, 0f);
            System.arraycopy(x, from + ih * w, buf, row + left, inside);
            Arrays.fill(buf, row + left + inside, row + wp, 0f);
        }
    }

    /**
     * One channel, strided: phase plane (ph, pw) row qr holds padded row qr·sH + ph, every sW-th
     * element from column pw (0 outside the input). Only the phases some tap reads are written.
     */
    private static void split(ConvGeometry g, float[] x, int from, float[] buf, int to, int hq, int wq) {
        int h = g.h(), w = g.w(), sH = g.strideH(), sW = g.strideW(), plane = hq * wq;
        for (int ph = 0; ph < sH; ph++) {
            for (int pw = 0; pw < sW; pw++) {
                if (!read(ph, sH, g.kh(), g.dilationH()) || !read(pw, sW, g.kw(), g.dilationW())) {
                    continue;
                }
                // Phase columns qs whose input column qs·sW + pw − padLeft lies in [0, w).
                int q0 = Math.min(wq, Math.max(0, ceilDiv(g.padLeft() - pw, sW)));
                int q1 = Math.max(q0, Math.min(wq, ceilDiv(w + g.padLeft() - pw, sW)));
                for (int qr = 0; qr < hq; qr++) {
                    int row = to + (ph * sW + pw) * plane + qr * wq, ih = qr * sH + ph - g.padTop();
                    if (ih < 0 || ih >= h) {
                        Arrays.fill(buf, row, row + wq, 0f);
                        continue;
                    }
                    Arrays.fill(buf, row, row + q0, 0f);
                    for (int qs = q0, at = from + ih * w + q0 * sW + pw - g.padLeft(); qs < q1; qs++, at += sW) {
                        buf[row + qs] = x[at];
                    }
                    Arrays.fill(buf, row + q1, row + wq, 0f);
                }
            }
        }
    }

    /** Whether some tap k &lt; kernel reads phase {@code phase}: k·dilation ≡ phase (mod stride). */
    private static boolean read(int phase, int stride, int kernel, int dilation) {
        for (int k = 0; k < kernel && k < stride; k++) { // k·d mod s repeats with period s
            if (k * dilation % stride == phase) {
                return true;
            }
        }
        return false;
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
