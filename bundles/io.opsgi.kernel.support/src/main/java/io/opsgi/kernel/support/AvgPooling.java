package io.opsgi.kernel.support;

import io.opsgi.op.PoolGeometry;

/**
 * avg_pool2d's loop, shared by avg_pool2d and lp_pool2d (which is avg_pool2d of x^p), and the
 * float32 window sum that adaptive_avg_pool2d uses too. Follows ATen AvgPoolKernel.cpp
 * (cpu_avg_pool) so that results are bit-identical to PyTorch 1.13 (OPERATOR-SEMANTICS §4).
 */
public final class AvgPooling {
    private AvgPooling() {
    }

    /**
     * Fills {@code y} (n, c, oh, ow) from {@code x} (n, c, h, w). Per output:
     * {@code hs = oh*s - pBegin; he = min(hs + k, H + pEnd)} (clipped at the end of the padding;
     * {@code pEnd = pBegin} in PyTorch's symmetric form),
     * {@code pool = (he-hs)*(we-ws)}; the sum runs over the part inside the input; the divisor is
     * {@code divisorOverride} if not null, else {@code pool} with count_include_pad, else the
     * number of input elements summed; {@code y = sum / divisor + 0} (a true float division; never -0.0).
     */
    public static void avgPool2d(PoolGeometry g, boolean countIncludePad, Integer divisorOverride, float[] x, float[] y) {
        int inPlane = g.h() * g.w();
        int outPlane = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            for (int oh = 0; oh < g.oh(); oh++) {
                int hs = Windows.start(oh, g.strideH(), g.padH());
                int he = Math.min(hs + g.kh(), g.h() + g.padHEnd());
                for (int ow = 0; ow < g.ow(); ow++) {
                    int ws = Windows.start(ow, g.strideW(), g.padW());
                    int we = Math.min(ws + g.kw(), g.w() + g.padWEnd());
                    int pool = (he - hs) * (we - ws);
                    int h0 = Math.max(hs, 0), h1 = Math.min(he, g.h());
                    int w0 = Math.max(ws, 0), w1 = Math.min(we, g.w());
                    int out = p * outPlane + oh * g.ow() + ow;
                    if (h0 >= h1 || w0 >= w1) {
                        // ATen writes 0 for a window with no input element; the ceil rule never makes one.
                        y[out] = 0f;
                        continue;
                    }
                    float sum = sum(x, p * inPlane, g.w(), h0, h1, w0, w1);
                    int divisor = divisorOverride != null ? divisorOverride
                            : countIncludePad ? pool
                            : (h1 - h0) * (w1 - w0);
                    // + 0f: ATen adds the quotient to an output it zeroed, so a zero sum over a negative
                    // divisor_override is +0.0, not -0.0
                    y[out] = sum / divisor + 0f;
                }
            }
        }
    }

    /** The float32 sum of rows [h0, h1) and columns [w0, w1) of a plane, added one by one in row-major order. */
    public static float sum(float[] x, int plane, int width, int h0, int h1, int w0, int w1) {
        float sum = 0f;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
                sum += x[plane + h * width + w];
            }
        }
        return sum;
    }
}
