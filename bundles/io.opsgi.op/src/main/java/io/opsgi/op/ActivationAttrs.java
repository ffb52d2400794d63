package io.opsgi.op;

import java.util.Objects;

/**
 * An element-wise activation and its parameters, with PyTorch's defaults. Parameters that the
 * function does not use keep their defaults and are ignored.
 *
 * @param negativeSlope leaky_relu (0.01)
 * @param alpha         elu and celu (1.0); hardsigmoid and selu in their ONNX form (ONNX's defaults 0.2 and 1.6732632)
 * @param minVal        hardtanh (-1)
 * @param maxVal        hardtanh (1)
 * @param beta          softplus (1); hardsigmoid in its ONNX form (ONNX's default 0.5)
 * @param threshold     softplus (20)
 * @param tanhApproximation gelu's {@code approximate='tanh'}
 * @param gamma         selu in its ONNX form (ONNX's default 1.050701)
 * @param onnxForm      hardsigmoid: {@code max(0, min(1, alpha*x + beta))} (ONNX HardSigmoid) instead of PyTorch's
 *                      {@code min(max(x + 3, 0), 6) / 6}; selu: {@code gamma * (x > 0 ? x : alpha*exp(x) - alpha)} (ONNX
 *                      Selu) instead of PyTorch's fixed constants. Set when a node gives one of those attributes.
 */
public record ActivationAttrs(Activation fn, float negativeSlope, float alpha, float minVal, float maxVal, float beta, float threshold,
        boolean tanhApproximation, float gamma, boolean onnxForm) {
    /** ONNX HardSigmoid's defaults (PyTorch's hardsigmoid is alpha 1/6, beta 0.5, computed as a division by 6). */
    public static final float ONNX_HARDSIGMOID_ALPHA = 0.2f;
    public static final float ONNX_HARDSIGMOID_BETA = 0.5f;
    /** ONNX Selu's defaults: PyTorch's constants rounded to float (1.67326319217681884765625, 1.05070102214813232421875). */
    public static final float ONNX_SELU_ALPHA = (float) 1.6732632423543772848170429916717;
    public static final float ONNX_SELU_GAMMA = (float) 1.0507009873554804934193349852946;

    public ActivationAttrs {
        Objects.requireNonNull(fn, "fn");
        OpException.check(fn != Activation.CELU || alpha != 0, fn.op(), "alpha_nonzero", "alpha cannot be 0 for CELU, got alpha=0");
    }

    /** PyTorch's form of every function (the constructor of io.opsgi.op 1.2). */
    public ActivationAttrs(Activation fn, float negativeSlope, float alpha, float minVal, float maxVal, float beta, float threshold,
            boolean tanhApproximation) {
        this(fn, negativeSlope, alpha, minVal, maxVal, beta, threshold, tanhApproximation, ONNX_SELU_GAMMA, false);
    }

    public static ActivationAttrs of(Activation fn) {
        return new ActivationAttrs(fn, 0.01f, 1f, -1f, 1f, 1f, 20f, false);
    }

    /** ONNX HardSigmoid: {@code max(0, min(1, alpha*x + beta))}. */
    public static ActivationAttrs onnxHardsigmoid(float alpha, float beta) {
        return new ActivationAttrs(Activation.HARDSIGMOID, 0.01f, alpha, -1f, 1f, beta, 20f, false, ONNX_SELU_GAMMA, true);
    }

    /** ONNX Selu: {@code gamma * (x > 0 ? x : alpha*exp(x) - alpha)}. */
    public static ActivationAttrs onnxSelu(float alpha, float gamma) {
        return new ActivationAttrs(Activation.SELU, 0.01f, alpha, -1f, 1f, 1f, 20f, false, gamma, true);
    }

    public static ActivationAttrs leakyRelu(float negativeSlope) {
        return of(Activation.LEAKY_RELU).with(negativeSlope, 1f, -1f, 1f, 1f, 20f, false);
    }

    public static ActivationAttrs elu(float alpha) {
        return of(Activation.ELU).with(0.01f, alpha, -1f, 1f, 1f, 20f, false);
    }

    public static ActivationAttrs celu(float alpha) {
        return new ActivationAttrs(Activation.CELU, 0.01f, alpha, -1f, 1f, 1f, 20f, false);
    }

    public static ActivationAttrs gelu(boolean tanhApproximation) {
        return of(Activation.GELU).with(0.01f, 1f, -1f, 1f, 1f, 20f, tanhApproximation);
    }

    public static ActivationAttrs hardtanh(float minVal, float maxVal) {
        return of(Activation.HARDTANH).with(0.01f, 1f, minVal, maxVal, 1f, 20f, false);
    }

    public static ActivationAttrs softplus(float beta, float threshold) {
        return of(Activation.SOFTPLUS).with(0.01f, 1f, -1f, 1f, beta, threshold, false);
    }

    private ActivationAttrs with(float slope, float a, float min, float max, float b, float t, boolean tanh) {
        return new ActivationAttrs(fn, slope, a, min, max, b, t, tanh);
    }
}
