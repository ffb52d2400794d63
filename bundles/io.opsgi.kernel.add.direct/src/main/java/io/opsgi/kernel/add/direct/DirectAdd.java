package io.opsgi.kernel.add.direct;

import io.opsgi.op.AddKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference add: {@code y[i] = a[i] + b[i]}, one correctly rounded float addition per element,
 * which is what PyTorch computes too (bit for bit, the sign of zero and NaN included).
 */
@Component(service = {Kernel.class, AddKernel.class})
@KernelInfo(op = "add", variant = "direct")
@ServiceRanking(0)
public final class DirectAdd implements AddKernel {

    @Override
    public void add(float[] a, float[] b, float[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] = a[i] + b[i];
        }
    }
}
