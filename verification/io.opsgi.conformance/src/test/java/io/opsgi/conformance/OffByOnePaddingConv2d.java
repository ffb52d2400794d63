package io.opsgi.conformance;

import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;

/**
 * A deliberately wrong conv2d, written from scratch: the classic off-by-one in padding, taking the
 * top/left zero padding as {@code p - 1} (as if the first padded row were row 0). Cases without
 * padding come out right; every padded case is shifted by one row and column.
 */
final class OffByOnePaddingConv2d implements Conv2dKernel {
    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int padTop = Math.max(0, g.padTop() - 1); // BUG: should be g.padTop()
        int padLeft = Math.max(0, g.padLeft() - 1); // BUG: should be g.padLeft()
        int cinPerGroup = g.cInPerGroup(), coutPerGroup = g.cOutPerGroup();
        int out = 0;
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.cOut(); co++) {
                int firstIn = co / coutPerGroup * cinPerGroup;
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        float acc = bias == null ? 0f : bias[co];
                        for (int ci = 0; ci < cinPerGroup; ci++) {
                            for (int i = 0; i < g.kh(); i++) {
                                int ih = oh * g.strideH() - padTop + i * g.dilationH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int j = 0; j < g.kw(); j++) {
                                    int iw = ow * g.strideW() - padLeft + j * g.dilationW();
                                    if (iw < 0 || iw >= g.w()) {
                                        continue;
                                    }
                                    acc += x[((n * g.cIn() + firstIn + ci) * g.h() + ih) * g.w() + iw]
                                            * w[((co * cinPerGroup + ci) * g.kh() + i) * g.kw() + j];
                                }
                            }
                        }
                        y[out++] = acc;
                    }
                }
            }
        }
    }
}
