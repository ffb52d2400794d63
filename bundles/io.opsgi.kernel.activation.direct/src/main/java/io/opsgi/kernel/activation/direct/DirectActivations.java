package io.opsgi.kernel.activation.direct;

import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.PReluKernel;
import io.opsgi.op.SoftmaxKernel;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference activations: one scalar loop per function, written as PyTorch 1.13's CPU kernels
 * compute them in float32 (constants rounded to float first; see OPERATOR-SEMANTICS §9).
 */
@Component(service = {Kernel.class, ElementwiseKernel.class, PReluKernel.class, SoftmaxKernel.class})
@KernelInfo(variant = "direct", op = {"relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "hardswish",
        "hardsigmoid", "hardtanh", "sigmoid", "tanh", "softplus", "prelu", "softmax", "log_softmax"})
@ServiceRanking(0)
public final class DirectActivations implements ElementwiseKernel, PReluKernel, SoftmaxKernel {

    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        switch (a.fn()) {
            case RELU:
                for (int i = 0; i < x.length; i++) {
                    y[i] = relu(x[i]);
                }
                break;
            case RELU6:
                for (int i = 0; i < x.length; i++) {
                    y[i] = hardtanh(x[i], 0f, 6f);
                }
                break;
            case HARDTANH:
                for (int i = 0; i < x.length; i++) {
                    y[i] = hardtanh(x[i], a.minVal(), a.maxVal());
                }
                break;
            case LEAKY_RELU:
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] > 0 ? x[i] : x[i] * a.negativeSlope();
                }
                break;
            default:
                throw new IllegalArgumentException("direct activations: " + a.fn().op() + " is not implemented yet");
        }
    }

    /** max(x, 0) that keeps NaN and -0.0 as PyTorch does. */
    static float relu(float v) {
        return v < 0 ? 0f : v;
    }

    /** clamp(x, min, max) that keeps NaN (PyTorch's hardtanh; min > max gives max everywhere). */
    static float hardtanh(float v, float min, float max) {
        return v != v ? v : Math.min(Math.max(v, min), max);
    }

    @Override
    public void prelu(int outer, int channels, int inner, float[] x, float[] weight, float[] y) {
        throw new IllegalArgumentException("direct activations: prelu is not implemented yet");
    }

    @Override
    public void softmax(int outer, int channels, int inner, boolean log, float[] x, float[] y) {
        throw new IllegalArgumentException("direct activations: softmax is not implemented yet");
    }
}
