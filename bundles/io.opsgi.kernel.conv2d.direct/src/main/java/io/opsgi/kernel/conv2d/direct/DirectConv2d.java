package io.opsgi.kernel.conv2d.direct;

import io.opsgi.kernel.support.ConvTaps;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference conv2d: one float32 dot product per output element, straight from PyTorch's
 * formula (OPERATOR-SEMANTICS §1, cross-correlation, the kernel is not flipped):
 * <pre>
 * y[n,o,oh,ow] = bias[o] + Σ_{c&lt;Cg} Σ_{i&lt;kH} Σ_{j&lt;kW} w[o,c,i,j] · x[n, g·Cg + c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]
 * </pre>
 * with {@code Cg = C_in/groups}, {@code g = o / (C_out/groups)} (depthwise with a channel
 * multiplier m is the case Cg = 1: output o reads input channel o / m). Positions outside the
 * input read 0; instead of testing each tap, the taps that land inside are computed once per
 * output row and column ({@link ConvTaps}), so the zero-padding terms are simply skipped.
 * Bottom/right padding needs no code: it only shows in {@code oh}/{@code ow}.
 *
 * <p>Summation order: the accumulator starts at {@code bias[o]} (0 without bias), as 1.13's slow
 * path does ({@code slow_conv2d} copies the bias into the output before its GEMM accumulates into
 * it), then adds the products in weight order: c, then i, then j. PyTorch's blocked oneDNN order is
 * not reproducible, so results match it within a tolerance, not bit for bit.
 *
 * <p>Prepared, the reference of every prepared kernel: the interface's default {@link #prepare}, this
 * loop on copies of the weights, then the {@code Epilogue} over the whole output, as the separate layers
 * would run.
 */
@Component(service = {Kernel.class, Conv2dKernel.class})
@KernelInfo(op = "conv2d", variant = "direct")
@ServiceRanking(0)
public final class DirectConv2d implements Conv2dKernel {

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int h = g.h(), wd = g.w(), kh = g.kh(), kw = g.kw();
        int sH = g.strideH(), sW = g.strideW(), dH = g.dilationH(), dW = g.dilationW();
        int cg = g.cInPerGroup(), og = g.cOutPerGroup();
        int inPlane = h * wd, outPlane = g.oh() * g.ow(), taps = kh * kw;
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.cOut(); o++) {
                int group = o / og;
                int xGroup = (n * g.cIn() + group * cg) * inPlane; // first input channel of o's group
                int wOut = o * cg * taps;                           // w[o, 0, 0, 0]
                int yPlane = (n * g.cOut() + o) * outPlane;
                float start = bias == null ? 0f : bias[o];
                for (int oh = 0; oh < g.oh(); oh++) {
                    int top = oh * sH - g.padTop();                 // input row of tap i = 0
                    int i0 = ConvTaps.first(top, dH), i1 = ConvTaps.end(top, dH, h, kh);
                    for (int ow = 0; ow < g.ow(); ow++) {
                        int left = ow * sW - g.padLeft();           // input column of tap j = 0
                        int j0 = ConvTaps.first(left, dW), j1 = ConvTaps.end(left, dW, wd, kw);
                        float acc = start;
                        for (int c = 0; c < cg; c++) {
                            int xChannel = xGroup + c * inPlane;
                            int wChannel = wOut + c * taps;
                            for (int i = i0; i < i1; i++) {
                                int xRow = xChannel + (top + i * dH) * wd + left; // x[.., top + i*dH, left]
                                int wRow = wChannel + i * kw;
                                for (int j = j0; j < j1; j++) {
                                    acc += w[wRow + j] * x[xRow + j * dW];
                                }
                            }
                        }
                        y[yPlane + oh * g.ow() + ow] = acc;
                    }
                }
            }
        }
    }
}
