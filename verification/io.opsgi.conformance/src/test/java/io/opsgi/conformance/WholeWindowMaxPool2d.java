package io.opsgi.conformance;

import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;

/**
 * A deliberately wrong max_pool2d, written from scratch: it assumes every window lies whole inside
 * the padded input, the naive reading of ceil_mode, so a last window that overhangs the bottom or
 * right edge (which ceil_mode allows) is moved back to end at the edge. The contract's geometry
 * is right, so the error shows as wrong values in the last output row or column, and only with
 * ceil_mode. Everything else (-inf padding, NaN wins, first index on ties) is PyTorch's.
 */
final class WholeWindowMaxPool2d implements MaxPool2dKernel {
    @Override
    public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
        int spanH = (g.kh() - 1) * g.dilationH() + 1, spanW = (g.kw() - 1) * g.dilationW() + 1;
        int out = 0;
        for (int p = 0; p < g.planes(); p++) {
            int plane = p * g.h() * g.w();
            for (int oh = 0; oh < g.oh(); oh++) {
                // BUG: PyTorch lets the last ceil_mode window hang over the edge; it is not moved.
                int h0 = Math.min(oh * g.strideH() - g.padH(), g.h() + g.padH() - spanH);
                for (int ow = 0; ow < g.ow(); ow++) {
                    int w0 = Math.min(ow * g.strideW() - g.padW(), g.w() + g.padW() - spanW);
                    float best = Float.NEGATIVE_INFINITY;
                    long at = -1;
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = h0 + i * g.dilationH();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = w0 + j * g.dilationW();
                            if (iw < 0 || iw >= g.w()) {
                                continue;
                            }
                            float v = x[plane + ih * g.w() + iw];
                            if (at < 0 || v > best || Float.isNaN(v)) {
                                best = v;
                                at = (long) ih * g.w() + iw;
                            }
                        }
                    }
                    y[out] = best;
                    if (indices != null) {
                        indices[out] = at;
                    }
                    out++;
                }
            }
        }
    }
}
