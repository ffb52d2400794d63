package io.opsgi.kernel.convtranspose2d.direct;

import io.opsgi.kernel.support.ConvTaps;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ConvTranspose2dKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import java.util.Arrays;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference conv_transpose2d, in the scatter form of OPERATOR-SEMANTICS §2: every input
 * element, times every kernel tap, is added to one output element,
 * <pre>
 * oh = ih·sH − pH + i·dH,  ow = iw·sW − pW + j·dW
 * y[n, g·Og + co, oh, ow] += x[n, ci, ih, iw] · w[ci, co, i, j]      (g = ci / (C_in/groups))
 * </pre>
 * contributions outside {@code [0, oh) × [0, ow)} are dropped (that is how {@code padding} trims
 * both sides), and then {@code bias[o]} is added. Taps that land inside the output are computed
 * once per input row and column ({@link ConvTaps}), so the drop needs no per-tap test.
 * output_padding needs no code: it only shows in {@code oh}/{@code ow}, and the extra bottom/right
 * rows receive whatever lands in them.
 *
 * <p>Summation order per output element: ci, then ih, iw, then i, j (all ascending), in float32,
 * starting from 0; the bias is added last, as 1.13's {@code slow_conv_transpose2d} does ("Do Bias
 * after", once col2im has summed the products). oneDNN's order is not reproducible, so results match
 * PyTorch within a tolerance.
 */
@Component(service = {Kernel.class, ConvTranspose2dKernel.class})
@KernelInfo(op = "conv_transpose2d", variant = "direct")
@ServiceRanking(0)
public final class DirectConvTranspose2d implements ConvTranspose2dKernel {

    @Override
    public void convTranspose2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int h = g.h(), wd = g.w(), outH = g.oh(), outW = g.ow(), kh = g.kh(), kw = g.kw();
        int sH = g.strideH(), sW = g.strideW(), dH = g.dilationH(), dW = g.dilationW();
        int cig = g.cInPerGroup(), og = g.cOutPerGroup();
        int inPlane = h * wd, outPlane = outH * outW, taps = kh * kw;
        Arrays.fill(y, 0f);
        for (int n = 0; n < g.n(); n++) {
            for (int ci = 0; ci < g.cIn(); ci++) {
                int group = ci / cig;
                int xPlane = (n * g.cIn() + ci) * inPlane;
                for (int co = 0; co < og; co++) {
                    int wPlane = (ci * og + co) * taps;                    // w[ci, co, 0, 0]
                    int yPlane = (n * g.cOut() + group * og + co) * outPlane;
                    for (int ih = 0; ih < h; ih++) {
                        int top = ih * sH - g.padTop();                    // output row of tap i = 0
                        int i0 = ConvTaps.first(top, dH), i1 = ConvTaps.end(top, dH, outH, kh);
                        for (int iw = 0; iw < wd; iw++) {
                            int left = iw * sW - g.padLeft();              // output column of tap j = 0
                            int j0 = ConvTaps.first(left, dW), j1 = ConvTaps.end(left, dW, outW, kw);
                            float v = x[xPlane + ih * wd + iw];
                            for (int i = i0; i < i1; i++) {
                                int yRow = yPlane + (top + i * dH) * outW + left; // y[.., top + i*dH, left]
                                int wRow = wPlane + i * kw;
                                for (int j = j0; j < j1; j++) {
                                    y[yRow + j * dW] += v * w[wRow + j];
                                }
                            }
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int n = 0; n < g.n(); n++) {
                for (int o = 0; o < g.cOut(); o++) {
                    int yPlane = (n * g.cOut() + o) * outPlane;
                    for (int p = 0; p < outPlane; p++) {
                        y[yPlane + p] += bias[o];
                    }
                }
            }
        }
    }
}
