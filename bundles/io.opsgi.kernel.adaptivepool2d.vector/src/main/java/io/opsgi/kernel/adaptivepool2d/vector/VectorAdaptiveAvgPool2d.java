package io.opsgi.kernel.adaptivepool2d.vector;

import io.opsgi.kernel.support.AvgPooling;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptiveGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.OutputSize;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * adaptive_avg_pool2d and global_avg_pool2d on the Vector API (OPERATOR-SEMANTICS §5), planes
 * spread over {@code Parallel}'s threads.
 *
 * <ul>
 * <li>Output (1, 1), global pooling: each plane is summed with full vectors. PyTorch answers this
 *     size with {@code x.mean((-1, -2))}, a vectorized sum in its own order, so neither it nor the
 *     reference's sequential sum is bit-reproducible here: the conformance suite compares this size
 *     with its sum-of-K tolerance. Then {@code sum / h / w}, as the reference.</li>
 * <li>Other sizes must be bit-identical to ATen's sequential row-major window sum, so the vector
 *     runs across planes instead: lane k adds the same window tap of plane {@code p0 + k} (a
 *     gather with the plane size as stride), in the reference's order, then {@code sum / kh / kw}.
 *     Planes left over after whole vectors use the reference's scalar sum.</li>
 * </ul>
 */
@Component(service = {Kernel.class, AdaptiveAvgPool2dKernel.class})
@KernelInfo(op = {"adaptive_avg_pool2d", "global_avg_pool2d"}, variant = "vector")
@ServiceRanking(100)
public final class VectorAdaptiveAvgPool2d implements AdaptiveAvgPool2dKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Input elements below which a chunk is cheaper to run than to hand to another thread. */
    private static final long MIN_ELEMENTS_PER_TASK = 1 << 15;

    @Override
    public void adaptiveAvgPool2d(AdaptiveGeometry g, float[] x, float[] y) {
        int plane = g.h() * g.w();
        if (g.oh() == 1 && g.ow() == 1) {
            Parallel.forRange(g.planes(), grain(plane), (from, to) -> {
                for (int p = from; p < to; p++) {
                    y[p] = planeSum(x, p * plane, plane) / g.h() / g.w();
                }
            });
            return;
        }
        int[] acrossPlanes = new int[L];
        for (int k = 0; k < L; k++) {
            acrossPlanes[k] = k * plane;
        }
        int blocks = (g.planes() + L - 1) / L;
        Parallel.forRange(blocks, grain((long) L * plane), (from, to) -> {
            float[] lanes = new float[L];
            for (int b = from; b < to; b++) {
                int p0 = b * L;
                if (p0 + L <= g.planes()) {
                    planeBlock(g, x, y, p0, acrossPlanes, lanes);
                } else {
                    for (int p = p0; p < g.planes(); p++) {
                        scalarPlane(g, x, y, p);
                    }
                }
            }
        });
    }

    /** Planes or blocks per chunk so that a chunk reads at least {@link #MIN_ELEMENTS_PER_TASK} elements. */
    private static int grain(long elementsPerItem) {
        return (int) Math.max(1, MIN_ELEMENTS_PER_TASK / Math.max(1, elementsPerItem));
    }

    /** The sum of {@code x[off .. off+len)}, in vector order (for the (1, 1) output only). */
    private static float planeSum(float[] x, int off, int len) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        int i = 0;
        for (; i <= len - 2 * L; i += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(F, x, off + i));
            acc1 = acc1.add(FloatVector.fromArray(F, x, off + i + L));
        }
        if (i <= len - L) {
            acc0 = acc0.add(FloatVector.fromArray(F, x, off + i));
            i += L;
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += x[off + i];
        }
        return s;
    }

    /** Every output of planes {@code p0 .. p0+L-1}, one plane per lane, each lane summing in the reference's order. */
    private static void planeBlock(AdaptiveGeometry g, float[] x, float[] y, int p0, int[] acrossPlanes, float[] lanes) {
        int width = g.w(), plane = g.h() * width, outPlane = g.oh() * g.ow();
        for (int oh = 0; oh < g.oh(); oh++) {
            int h0 = OutputSize.adaptiveStart(oh, g.h(), g.oh()), h1 = OutputSize.adaptiveEnd(oh, g.h(), g.oh());
            for (int ow = 0; ow < g.ow(); ow++) {
                int w0 = OutputSize.adaptiveStart(ow, width, g.ow()), w1 = OutputSize.adaptiveEnd(ow, width, g.ow());
                int kw = w1 - w0, taps = (h1 - h0) * kw;
                FloatVector sum = FloatVector.zero(F);
                // one loop over the taps in row-major order: Java 17's JIT boxes vectors carried across two loop levels
                for (int i = 0, t = 0, at = p0 * plane + h0 * width + w0; i < taps; i++) {
                    sum = sum.add(FloatVector.fromArray(F, x, at, acrossPlanes, 0));
                    at++;
                    if (++t == kw) {
                        t = 0;
                        at += width - kw;
                    }
                }
                // two successive divisions, as ATen: sum / kh / kw
                sum.div(h1 - h0).div(kw).intoArray(lanes, 0);
                int o = oh * g.ow() + ow;
                for (int k = 0; k < L; k++) {
                    y[(p0 + k) * outPlane + o] = lanes[k];
                }
            }
        }
    }

    /** Every output of plane {@code p} with the reference's scalar sum. */
    private static void scalarPlane(AdaptiveGeometry g, float[] x, float[] y, int p) {
        int outPlane = g.oh() * g.ow();
        for (int oh = 0; oh < g.oh(); oh++) {
            int h0 = OutputSize.adaptiveStart(oh, g.h(), g.oh()), h1 = OutputSize.adaptiveEnd(oh, g.h(), g.oh());
            for (int ow = 0; ow < g.ow(); ow++) {
                int w0 = OutputSize.adaptiveStart(ow, g.w(), g.ow()), w1 = OutputSize.adaptiveEnd(ow, g.w(), g.ow());
                y[p * outPlane + oh * g.ow() + ow] = AvgPooling.sum(x, p * g.h() * g.w(), g.w(), h0, h1, w0, w1) / (h1 - h0) / (w1 - w0);
            }
        }
    }
}
