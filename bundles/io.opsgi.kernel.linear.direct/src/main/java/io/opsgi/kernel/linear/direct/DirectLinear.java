package io.opsgi.kernel.linear.direct;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.LinearGeometry;
import io.opsgi.op.LinearKernel;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference linear: one float32 dot product per output element, straight from
 * {@code F.linear}'s definition {@code y = x·Wᵀ + b}:
 * <pre>
 * y[r, o] = bias[o] + Σ_{i&lt;in} x[r, i] · w[o, i]
 * </pre>
 * The accumulator starts at the bias and adds the products in input order. PyTorch hands the
 * product to a blocked BLAS sgemm (addmm), whose summation order is not reproducible: results match
 * within the sqrt(K) reduction tolerance, K = in_features, not bit for bit.
 */
@Component(service = {Kernel.class, LinearKernel.class})
@KernelInfo(op = "linear", variant = "direct")
@ServiceRanking(0)
public final class DirectLinear implements LinearKernel {

    @Override
    public void linear(LinearGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int in = g.inFeatures(), out = g.outFeatures();
        for (int r = 0; r < g.rows(); r++) {
            int xRow = r * in;
            for (int o = 0; o < out; o++) {
                int wRow = o * in;
                float acc = bias == null ? 0f : bias[o];
                for (int i = 0; i < in; i++) {
                    acc += x[xRow + i] * w[wRow + i];
                }
                y[r * out + o] = acc;
            }
        }
    }
}
