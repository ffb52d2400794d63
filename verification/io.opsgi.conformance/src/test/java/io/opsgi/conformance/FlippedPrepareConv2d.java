package io.opsgi.conformance;

import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedConv2d;

/**
 * A deliberately wrong prepare step, written from scratch: plain calls are right (the textbook
 * loop), but {@link #prepare} packs each filter rotated by 180 degrees, the classic mix-up of
 * correlation and convolution when weights are repacked. 1x1 and symmetric filters come out right.
 */
final class FlippedPrepareConv2d implements Conv2dKernel {
    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int cg = g.cInPerGroup(), og = g.cOutPerGroup();
        int out = 0;
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.cOut(); co++) {
                int firstIn = co / og * cg;
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        float acc = bias == null ? 0f : bias[co];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int i = 0; i < g.kh(); i++) {
                                int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
                                for (int j = 0; ih >= 0 && ih < g.h() && j < g.kw(); j++) {
                                    int iw = ow * g.strideW() - g.padLeft() + j * g.dilationW();
                                    if (iw >= 0 && iw < g.w()) {
                                        acc += x[((n * g.cIn() + firstIn + ci) * g.h() + ih) * g.w() + iw]
                                                * w[((co * cg + ci) * g.kh() + i) * g.kw() + j];
                                    }
                                }
                            }
                        }
                        y[out++] = acc;
                    }
                }
            }
        }
    }

    @Override
    public PreparedConv2d prepare(ConvGeometry g, float[] w, float[] bias, Epilogue epilogue) {
        int taps = g.kh() * g.kw();
        float[] packed = new float[w.length];
        for (int f = 0; f < w.length; f += taps) {
            for (int t = 0; t < taps; t++) {
                packed[f + t] = w[f + taps - 1 - t]; // BUG: flips the filter
            }
        }
        return Conv2dKernel.super.prepare(g, packed, bias, epilogue);
    }
}
