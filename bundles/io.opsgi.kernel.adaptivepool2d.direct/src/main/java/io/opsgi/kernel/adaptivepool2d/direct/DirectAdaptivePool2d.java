package io.opsgi.kernel.adaptivepool2d.direct;

import io.opsgi.kernel.support.AvgPooling;
import io.opsgi.kernel.support.MaxScan;
import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptiveGeometry;
import io.opsgi.op.AdaptiveMaxPool2dKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.OutputSize;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference adaptive pools (OPERATOR-SEMANTICS §5), and global pooling as their 1x1 case.
 * Output row i covers input rows {@code floor(i*H/OH)} to {@code ceil((i+1)*H/OH)}, same for columns.
 *
 * <p>avg is ATen's cpu_adaptive_avg_pool: a sequential float32 sum, then {@code sum / kh / kw}.
 * PyTorch 1.13 answers output size (1, 1) with {@code x.mean((-1, -2))} instead, whose summation
 * order differs: for global average pooling this kernel matches PyTorch to rounding, not bit for bit.
 */
@Component(service = {Kernel.class, AdaptiveAvgPool2dKernel.class, AdaptiveMaxPool2dKernel.class})
@KernelInfo(op = {"adaptive_avg_pool2d", "adaptive_max_pool2d", "global_avg_pool2d", "global_max_pool2d"}, variant = "direct")
@ServiceRanking(0)
public final class DirectAdaptivePool2d implements AdaptiveAvgPool2dKernel, AdaptiveMaxPool2dKernel {

    @Override
    public void adaptiveAvgPool2d(AdaptiveGeometry g, float[] x, float[] y) {
        // Two successive divisions, as ATen: sum / kh / kw.
        forEachWindow(g, (in, h0, h1, w0, w1, out) -> y[out] = AvgPooling.sum(x, in, g.w(), h0, h1, w0, w1) / (h1 - h0) / (w1 - w0));
    }

    @Override
    public void adaptiveMaxPool2d(AdaptiveGeometry g, float[] x, float[] y, long[] indices) {
        forEachWindow(g, (in, h0, h1, w0, w1, out) -> MaxScan.scan(x, in, g.w(), h0, h1, 1, w0, w1, 1, y, indices, out));
    }

    /** One output's window: its plane's offset in x, rows [h0, h1), columns [w0, w1), and its flat output index. */
    private interface Window {
        void visit(int in, int h0, int h1, int w0, int w1, int out);
    }

    /** Visits every output of every plane with its window, from ATen's start/end index formulas. */
    private static void forEachWindow(AdaptiveGeometry g, Window body) {
        int inPlane = g.h() * g.w();
        int outPlane = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            for (int oh = 0; oh < g.oh(); oh++) {
                int h0 = OutputSize.adaptiveStart(oh, g.h(), g.oh());
                int h1 = OutputSize.adaptiveEnd(oh, g.h(), g.oh());
                for (int ow = 0; ow < g.ow(); ow++) {
                    body.visit(p * inPlane, h0, h1, OutputSize.adaptiveStart(ow, g.w(), g.ow()), OutputSize.adaptiveEnd(ow, g.w(), g.ow()),
                            p * outPlane + oh * g.ow() + ow);
                }
            }
        }
    }
}
