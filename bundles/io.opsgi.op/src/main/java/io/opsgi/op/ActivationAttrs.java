package io.opsgi.op;

import java.util.Objects;

/**
 * An element-wise activation and its parameters, with PyTorch's defaults. Parameters that the
 * function does not use keep their defaults and are ignored.
 *
 * @param negativeSlope leaky_relu (0.01)
 * @param alpha         elu and celu (1.0)
 * @param minVal        hardtanh (-1)
 * @param maxVal        hardtanh (1)
 * @param beta          softplus (1)
 * @param threshold     softplus (20)
 * @param tanhApproximation gelu's {@code approximate='tanh'}
 */
public record ActivationAttrs(Activation fn, float negativeSlope, float alpha, float minVal, float maxVal, float beta, float threshold,
        boolean tanhApproximation) {
    public ActivationAttrs {
        Objects.requireNonNull(fn, "fn");
        OpException.check(fn != Activation.CELU || alpha != 0, fn.op(), "alpha_nonzero", "alpha cannot be 0 for CELU, got alpha=0");
    }

    public static ActivationAttrs of(Activation fn) {
        return new ActivationAttrs(fn, 0.01f, 1f, -1f, 1f, 1f, 20f, false);
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
