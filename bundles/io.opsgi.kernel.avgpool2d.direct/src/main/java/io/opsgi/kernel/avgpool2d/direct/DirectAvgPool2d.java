package io.opsgi.kernel.avgpool2d.direct;

import io.opsgi.kernel.support.AvgPooling;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.PoolGeometry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference avg_pool2d, bit-identical to ATen's cpu_avg_pool (OPERATOR-SEMANTICS §4): windows
 * clipped at the end of the padding for the divisor, a sequential float32 sum, a true division.
 * The loop lives in {@link AvgPooling} because lp_pool2d is built on it.
 */
@Component(service = {Kernel.class, AvgPool2dKernel.class})
@KernelInfo(op = "avg_pool2d", variant = "direct")
@ServiceRanking(0)
public final class DirectAvgPool2d implements AvgPool2dKernel {

    @Override
    public void avgPool2d(PoolGeometry g, AvgPool2dAttrs a, float[] x, float[] y) {
        AvgPooling.avgPool2d(g, a.countIncludePad(), a.divisorOverride(), x, y);
    }
}
