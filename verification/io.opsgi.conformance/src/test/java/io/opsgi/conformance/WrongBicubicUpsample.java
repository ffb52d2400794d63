package io.opsgi.conformance;

import io.opsgi.kernel.upsample.direct.DirectUpsample;
import io.opsgi.op.UpsampleGeometry;
import io.opsgi.op.UpsampleKernel;
import io.opsgi.op.UpsampleMode;

/**
 * A deliberately wrong bicubic upsample, written from scratch: either Keys' coefficient A = -0.5
 * (the "Catmull-Rom" choice of some libraries) instead of PyTorch's -0.75, or taps outside the input
 * read as 0 instead of repeating the border element. Nearest and bilinear go to the reference kernel.
 */
final class WrongBicubicUpsample implements UpsampleKernel {
    private final float a;
    private final boolean zeroOutside;

    private WrongBicubicUpsample(float a, boolean zeroOutside) {
        this.a = a;
        this.zeroOutside = zeroOutside;
    }

    /** A = -0.5, taps clamped as they should be. */
    static WrongBicubicUpsample catmullRom() {
        return new WrongBicubicUpsample(-0.5f, false);
    }

    /** A = -0.75 as it should be, but taps outside the input read 0. */
    static WrongBicubicUpsample zeroOutside() {
        return new WrongBicubicUpsample(-0.75f, true);
    }

    @Override
    public void upsample(UpsampleGeometry g, float[] x, float[] y) {
        if (g.mode() != UpsampleMode.BICUBIC) {
            new DirectUpsample().upsample(g, x, y);
            return;
        }
        for (int p = 0, at = 0; p < g.planes(); p++) {
            for (int i = 0; i < g.oh(); i++) {
                for (int j = 0; j < g.ow(); j++) {
                    float rows = position(g.ratioH(), i, g.alignCorners()), cols = position(g.ratioW(), j, g.alignCorners());
                    int r0 = (int) Math.floor(rows), c0 = (int) Math.floor(cols);
                    float sum = 0;
                    for (int u = 0; u < 4; u++) {
                        float blend = 0;
                        for (int v = 0; v < 4; v++) {
                            blend += read(x, g, p, r0 - 1 + u, c0 - 1 + v) * weight(cols - (c0 - 1 + v));
                        }
                        sum += blend * weight(rows - (r0 - 1 + u));
                    }
                    y[at++] = sum;
                }
            }
        }
    }

    private static float position(float ratio, int o, boolean alignCorners) {
        return alignCorners ? ratio * o : (float) (ratio * (o + 0.5) - 0.5);
    }

    private float read(float[] x, UpsampleGeometry g, int p, int r, int c) {
        if (zeroOutside && (r < 0 || r >= g.h() || c < 0 || c >= g.w())) {
            return 0;
        }
        r = Math.min(Math.max(r, 0), g.h() - 1);
        c = Math.min(Math.max(c, 0), g.w() - 1);
        return x[(p * g.h() + r) * g.w() + c];
    }

    /** Keys' kernel W(d) with this variant's A. */
    private float weight(float d) {
        d = Math.abs(d);
        return d <= 1 ? ((a + 2) * d - (a + 3)) * d * d + 1 : d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a : 0;
    }
}
