package io.opsgi.kernel.maxpool2d.direct;

import io.opsgi.kernel.support.MaxScan;
import io.opsgi.kernel.support.Windows;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference max_pool2d, as ATen's cpu_max_pool (MaxPoolKernel.cpp, OPERATOR-SEMANTICS §3):
 * padding is never read (it behaves as -inf), ties keep the first element, NaN propagates with
 * the index of the last NaN.
 */
@Component(service = {Kernel.class, MaxPool2dKernel.class})
@KernelInfo(op = "max_pool2d", variant = "direct")
@ServiceRanking(0)
public final class DirectMaxPool2d implements MaxPool2dKernel {

    @Override
    public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
        int inPlane = g.h() * g.w();
        int outPlane = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            for (int oh = 0; oh < g.oh(); oh++) {
                // h0 = oh*s - p; h1 = min(h0 + (k-1)d + 1, H); then step h0 by d into the input.
                int hs = Windows.start(oh, g.strideH(), g.padH());
                int h1 = Windows.dilatedEnd(hs, g.kh(), g.dilationH(), g.h());
                int h0 = Windows.firstInside(hs, g.dilationH());
                for (int ow = 0; ow < g.ow(); ow++) {
                    int ws = Windows.start(ow, g.strideW(), g.padW());
                    int w1 = Windows.dilatedEnd(ws, g.kw(), g.dilationW(), g.w());
                    int w0 = Windows.firstInside(ws, g.dilationW());
                    MaxScan.scan(x, p * inPlane, g.w(), h0, h1, g.dilationH(), w0, w1, g.dilationW(),
                            y, indices, p * outPlane + oh * g.ow() + ow);
                }
            }
        }
    }
}
