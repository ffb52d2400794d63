package io.opsgi.kernel.neg.direct;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.NegKernel;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/** The reference neg: a sign flip. */
@Component(service = {Kernel.class, NegKernel.class})
@KernelInfo(op = "neg", variant = "direct")
@ServiceRanking(0)
public final class DirectNeg implements NegKernel {
    @Override
    public void neg(float[] x, float[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] = -x[i];
        }
    }
}
