package io.opsgi.kernel.convtranspose2d.gemm;

import io.opsgi.kernel.gemm.BPacker;
import io.opsgi.kernel.gemm.Sgemm;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ConvTranspose2dKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * conv_transpose2d as a matrix product and a scatter (OPERATOR-SEMANTICS §2, as PyTorch's own
 * slow path computes it): per image and group,
 * <pre>
 * col_g[Og·kh·kw x H·W] = W_g^T · X_g          (W_g: the group's Cg weight rows of Og·kh·kw, read transposed)
 * y[n, g·Og + co, ih·sH − pH + i·dH, iw·sW − pW + j·dW] += col_g[(co·kh + i)·kw + j][ih·W + iw]
 * </pre>
 * (col2im), dropping positions outside the output, then the bias. Every output element thus sums
 * its products in col2im's order (i, j, ih, iw ascending) after each product was reduced over the
 * group's input channels by the GEMM, and the bias comes last ("Do Bias after", as 1.13's
 * slow_conv_transpose2d).
 *
 * <p>Work is split by output channel: a task takes a few channels of one image-group, computes
 * their rows of col (the GEMM on one thread) into its thread's scratch and scatters them at once,
 * so col is never stored whole and stays in L2 between the two steps, and no two tasks write the
 * same output element. Tasks are small enough to give every thread several, and their col at
 * most {@link #COL_BUDGET} floats; the price is that each task packs the group's input again.
 */
@Component(service = {Kernel.class, ConvTranspose2dKernel.class})
@KernelInfo(op = "conv_transpose2d", variant = "gemm")
@ServiceRanking(100)
public final class GemmConvTranspose2d implements ConvTranspose2dKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Most floats of col one task holds (1 MB): the L2 of this machine's cores. */
    static final int COL_BUDGET = 1 << 18;
    /** Tasks per thread, so that a busy core does not hold the others up. */
    private static final int TASKS_PER_THREAD = 4;

    private static final ThreadLocal<float[]> COL = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread: one output channel's phase planes for {@link #col2imByPhase}. */
    private static final ThreadLocal<float[]> PLANES = ThreadLocal.withInitial(() -> new float[0]);

    @Override
    public void convTranspose2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int og = g.cOutPerGroup(), products = g.n() * g.groups();
        int chunk = channelsPerTask(g, products, Parallel.threads()), chunks = (og + chunk - 1) / chunk;
        Parallel.forEach(products * chunks, u -> {
            int first = u % chunks * chunk;
            channels(g, x, w, bias, y, u / chunks, first, Math.min(og, first + chunk));
        });
    }

    /** Output channels per task: at least one; at most what keeps col within budget and gives each thread several tasks. */
    static int channelsPerTask(ConvGeometry g, int products, int threads) {
        int perChannel = g.kh() * g.kw() * g.h() * g.w(), og = g.cOutPerGroup();
        int byCache = Math.max(1, COL_BUDGET / perChannel);
        int byThreads = Math.max(1, (int) ((long) og * products / ((long) TASKS_PER_THREAD * threads)));
        return Math.min(og, Math.min(byCache, byThreads));
    }

    /**
     * Output channels [co0, co1) of group u % groups of image u / groups: their rows of col, then
     * col2im and the bias into their planes of y.
     */
    private static void channels(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, int u, int co0, int co1) {
        int n = u / g.groups(), group = u % g.groups();
        int cig = g.cInPerGroup(), og = g.cOutPerGroup(), taps = g.kh() * g.kw(), inPlane = g.h() * g.w();
        int rows = (co1 - co0) * taps;
        float[] col = COL.get();
        if (col.length < rows * inPlane) {
            col = new float[rows * inPlane];
            COL.set(col);
        }
        // W_g^T: W is (C_in, Og, kh, kw), so the group's rows are W[group·Cg + p] and col row r is their column r;
        // this task's rows start at column co0·taps.
        Sgemm.multiply(true, rows, inPlane, cig, w, group * cig * og * taps + co0 * taps, og * taps,
                BPacker.dense(x, (n * g.cIn() + group * cig) * inPlane, inPlane, false), false, col, 0, inPlane, 1);
        int yGroup = (n * g.cOut() + group * og) * g.oh() * g.ow();
        for (int co = co0; co < co1; co++) {
            int yPlane = yGroup + co * g.oh() * g.ow();
            if (g.strideW() == 1) {
                col2imInPlace(g, col, co - co0, y, yPlane);
            } else {
                col2imByPhase(g, col, co - co0, y, yPlane);
            }
            if (bias != null) {
                float b = bias[group * og + co];
                for (int i = yPlane; i < yPlane + g.oh() * g.ow(); i++) {
                    y[i] += b;
                }
            }
        }
    }

    /**
     * Output plane {@code yPlane} = the kh·kw rows of col from row {@code co·kh·kw}, scattered; for
     * stride 1 across, where each col row lands on consecutive outputs (whole vectors).
     */
    private static void col2imInPlace(ConvGeometry g, float[] col, int co, float[] y, int yPlane) {
        int h = g.h(), wd = g.w(), outH = g.oh(), outW = g.ow(), kh = g.kh(), kw = g.kw();
        int sH = g.strideH(), sW = g.strideW(), dH = g.dilationH(), dW = g.dilationW();
        Arrays.fill(y, yPlane, yPlane + outH * outW, 0f);
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int colRow = ((co * kh + i) * kw + j) * h * wd;
                // Input columns iw whose output column iw·sW − pW + j·dW lies inside [0, outW).
                int left = j * dW - g.padLeft();
                int iw0 = Math.max(0, ceilDiv(-left, sW)), iw1 = Math.min(wd, Math.floorDiv(outW - 1 - left, sW) + 1);
                if (iw0 >= iw1) {
                    continue;
                }
                for (int ih = 0; ih < h; ih++) {
                    int oh = ih * sH - g.padTop() + i * dH;
                    if (oh < 0 || oh >= outH) {
                        continue;
                    }
                    addRun(col, colRow + ih * wd, y, yPlane + oh * outW + left, iw0, iw1);
                }
            }
        }
    }

    /**
     * col2im for a strided output, where tap (i, j) lands on every sW-th element: the untrimmed
     * output (padded row {@code oh + pH}, column {@code ow + pW}) is kept split by stride phase, in
     * which each tap's H x W block of col is one contiguous block, added a vector at a time; one
     * strided pass then moves the planes into y, trimming the padding. Each output element gets its
     * contributions in the same order as {@link #col2imInPlace}.
     */
    private static void col2imByPhase(ConvGeometry g, float[] col, int co, float[] y, int yPlane) {
        int h = g.h(), wd = g.w(), outH = g.oh(), outW = g.ow(), kh = g.kh(), kw = g.kw();
        int sH = g.strideH(), sW = g.strideW(), dH = g.dilationH(), dW = g.dilationW();
        // Phase plane (ph, pw) row qr, column qs holds padded output (qr·sH + ph, qs·sW + pw).
        int hq = h + (kh - 1) * dH / sH, wq = wd + (kw - 1) * dW / sW, plane = hq * wq;
        float[] planes = PLANES.get();
        if (planes.length < sH * sW * plane) {
            planes = new float[sH * sW * plane];
            PLANES.set(planes);
        }
        Arrays.fill(planes, 0, sH * sW * plane, 0f);
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int colRow = ((co * kh + i) * kw + j) * h * wd;
                int block = (i * dH % sH * sW + j * dW % sW) * plane + i * dH / sH * wq + j * dW / sW;
                for (int ih = 0; ih < h; ih++) {
                    addRun(col, colRow + ih * wd, planes, block + ih * wq, 0, wd);
                }
            }
        }
        for (int oh = 0; oh < outH; oh++) {
            int r = oh + g.padTop(), qr = r / sH, yRow = yPlane + oh * outW;
            int pw = g.padLeft() % sW, qs = g.padLeft() / sW, phaseRow = r % sH * sW * plane + qr * wq;
            for (int ow = 0; ow < outW; ow++) {
                // Rows/columns past the planes (output_padding) receive nothing.
                y[yRow + ow] = qr < hq && qs < wq ? planes[phaseRow + pw * plane + qs] : 0f;
                if (++pw == sW) {
                    pw = 0;
                    qs++;
                }
            }
        }
    }

    /** y[dst + iw] += col[src + iw] for iw in [iw0, iw1), a vector at a time. */
    private static void addRun(float[] col, int src, float[] y, int dst, int iw0, int iw1) {
        int iw = iw0;
        for (int end = iw1 - S.length(); iw <= end; iw += S.length()) {
            FloatVector.fromArray(S, y, dst + iw).add(FloatVector.fromArray(S, col, src + iw)).intoArray(y, dst + iw);
        }
        for (; iw < iw1; iw++) {
            y[dst + iw] += col[src + iw];
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
