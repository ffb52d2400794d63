package org.example.kernels.template;

import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * relu as PyTorch 1.13 computes it: negatives become 0, everything else (NaN, -0.0, +inf) passes
 * through. Registered under {@link Kernel} and its family interface; the ranking above the
 * reference's (0) makes it the active relu once the container's gate has verified it.
 */
@Component(service = {Kernel.class, ElementwiseKernel.class})
@KernelInfo(op = {"relu"}, variant = "template")
@ServiceRanking(100)
public final class TemplateRelu implements ElementwiseKernel {
    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] < 0f ? 0f : x[i];
        }
    }
}
