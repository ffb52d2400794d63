package io.opsgi.kernel.matmul.direct;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.MatmulGeometry;
import io.opsgi.op.MatmulKernel;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference matmul: one float32 dot product per output element, straight from the definition
 * <pre>
 * y[b, i, j] = Σ_{p&lt;k} input_b[i, p] · other_b[p, j]
 * </pre>
 * accumulated in input order, as the reference linear does. PyTorch hands the products to a blocked
 * BLAS (dot, mv, mm, bmm), whose summation order is not reproducible: results match within the
 * sqrt(K) reduction tolerance, K = the contraction length, not bit for bit.
 */
@Component(service = {Kernel.class, MatmulKernel.class})
@KernelInfo(op = "matmul", variant = "direct")
@ServiceRanking(0)
public final class DirectMatmul implements MatmulKernel {

    @Override
    public void matmul(MatmulGeometry g, float[] input, float[] other, float[] y) {
        int m = g.m(), k = g.k(), n = g.n();
        for (int b = 0; b < g.batch(); b++) {
            int a0 = g.inputOffset(b), b0 = g.otherOffset(b), y0 = b * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int p = 0; p < k; p++) {
                        acc += input[a0 + i * k + p] * other[b0 + p * n + j];
                    }
                    y[y0 + i * n + j] = acc;
                }
            }
        }
    }
}
