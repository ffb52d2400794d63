package io.opsgi.properties;

import io.opsgi.op.ActivationAttrs;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** An element-wise activation with its parameters; {@code specials} mixes +-0, +-inf, NaN and extremes into the data. */
public record ActivationCase(ActivationAttrs attrs, List<Integer> shape, boolean specials, long seed) implements OpCase {

    @Override
    public String op() {
        return attrs.fn().op();
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(specials ? SeededData.withSpecials(SeededData.shape(shape), seed, Role.INPUT) : SeededData.uniform(SeededData.shape(shape), seed, Role.INPUT));
    }

    /** Only the parameters the function reads. */
    public String call() {
        ActivationAttrs a = attrs;
        switch (a.fn()) {
            case LEAKY_RELU: return "leaky_relu(negative_slope=" + a.negativeSlope() + ")";
            case ELU: return "elu(alpha=" + a.alpha() + ")";
            case CELU: return "celu(alpha=" + a.alpha() + ")";
            case GELU: return "gelu(approximate='" + (a.tanhApproximation() ? "tanh" : "none") + "')";
            case HARDTANH: return "hardtanh(min_val=" + a.minVal() + ", max_val=" + a.maxVal() + ")";
            case SOFTPLUS: return "softplus(beta=" + a.beta() + ", threshold=" + a.threshold() + ")";
            case HARDSIGMOID: return a.onnxForm() ? "hardsigmoid(alpha=" + a.alpha() + ", beta=" + a.beta() + ")" : "hardsigmoid";
            case SELU: return a.onnxForm() ? "selu(alpha=" + a.alpha() + ", gamma=" + a.gamma() + ")" : "selu";
            default: return a.fn().op();
        }
    }

    /** Functions PyTorch computes without libm (comparisons, one multiply, clamps): bit-exact across kernels. */
    public boolean exact() {
        switch (attrs.fn()) {
            case RELU: case RELU6: case LEAKY_RELU: case HARDTANH: case HARDSWISH: case HARDSIGMOID: case SOFTSIGN: case SQRT: case ABS: case NEG:
            case RECIPROCAL: case FLOOR: case CEIL: case SIGN: return true;
            default: return false;
        }
    }

    @Override
    public String toString() {
        return call() + " input=" + shape + (specials ? " with +-0/+-inf/NaN" : "") + " seed=" + seed;
    }
}
