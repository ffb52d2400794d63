package io.opsgi.kernel.activation.direct;

import io.opsgi.kernel.support.SpecialFunctions;
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
 *
 * <p>Rounding model: the float arithmetic around each transcendental call is kept in PyTorch's
 * order (e.g. elu's {@code exp(x) - 1} and gelu's {@code 1 + erf(..)} are float operations, which
 * is where 1.13 loses accuracy near 0 and in gelu's left tail), while each call to exp, log1p,
 * tanh or erf is computed in double and rounded once to float, standing in for a correctly rounded
 * float libm/Sleef call. Chained calls (mish, softplus) round between calls, as float code does,
 * which also reproduces float overflow (exp(89) is inf in float).
 */
@Component(service = {Kernel.class, ElementwiseKernel.class, PReluKernel.class, SoftmaxKernel.class})
@KernelInfo(variant = "direct", op = {"relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "hardswish",
        "hardsigmoid", "hardtanh", "sigmoid", "tanh", "softplus", "softsign", "sqrt", "erf", "abs", "neg", "reciprocal", "floor", "ceil", "sign", "exp", "log", "prelu", "softmax",
        "log_softmax"})
@ServiceRanking(0)
public final class DirectActivations implements ElementwiseKernel, PReluKernel, SoftmaxKernel {
    /** torch.nn.functional.selu's constants, rounded to float as {@code Scalar.to<float>()} does. */
    static final float SELU_ALPHA = (float) 1.6732632423543772848170429916717;
    static final float SELU_SCALE = (float) 1.0507009873554804934193349852946;
    /** gelu: kAlpha = M_SQRT1_2 as float. */
    static final float GELU_ALPHA = (float) 0.70710678118654752440;
    /** gelu tanh: kBeta = M_SQRT2 * M_2_SQRTPI * 0.5 (= sqrt(2/pi)) computed in double, then float. */
    static final float GELU_BETA = (float) (1.41421356237309504880 * 1.12837916709551257390 * 0.5);
    static final float GELU_KAPPA = 0.044715f;

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
            case ELU:
                for (int i = 0; i < x.length; i++) {
                    y[i] = elu(x[i], a.alpha(), 1f, 1f);
                }
                break;
            case SELU:
                if (a.onnxForm()) {
                    // ONNX Selu: gamma * (x > 0 ? x : alpha * exp(x) - alpha), each step rounded to float
                    for (int i = 0; i < x.length; i++) {
                        float v = x[i];
                        y[i] = a.gamma() * (v > 0 ? v : a.alpha() * exp(v) - a.alpha());
                    }
                    break;
                }
                float seluNeg = SELU_ALPHA * SELU_SCALE; // 1.7580993f, a float product as in ATen
                for (int i = 0; i < x.length; i++) {
                    y[i] = elu(x[i], seluNeg, SELU_SCALE, 1f);
                }
                break;
            case CELU:
                // at::celu calls elu with input_scale = 1/alpha computed in double: exp(x * (float)(1/alpha)),
                // not exp(x / alpha).
                float inverseAlpha = (float) (1.0 / a.alpha());
                for (int i = 0; i < x.length; i++) {
                    y[i] = elu(x[i], a.alpha(), 1f, inverseAlpha);
                }
                break;
            case GELU:
                for (int i = 0; i < x.length; i++) {
                    y[i] = a.tanhApproximation() ? geluTanh(x[i]) : gelu(x[i]);
                }
                break;
            case SILU:
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] / (1f + exp(-x[i])); // x / (1 + exp(-x))
                }
                break;
            case MISH:
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] * tanh(log1p(exp(x[i]))); // x * tanh(log1p(exp(x))), no softplus threshold
                }
                break;
            case HARDSWISH:
                for (int i = 0; i < x.length; i++) {
                    // x * min(max(x + 3, 0), 6) / 6 in this order: bit-exact only so (§9)
                    y[i] = x[i] * cppMin(cppMax(x[i] + 3f, 0f), 6f) / 6f;
                }
                break;
            case HARDSIGMOID:
                if (a.onnxForm()) {
                    // ONNX HardSigmoid: max(0, min(1, alpha * x + beta)), two roundings (no fused multiply-add), NaN kept
                    for (int i = 0; i < x.length; i++) {
                        y[i] = hardtanh(a.alpha() * x[i] + a.beta(), 0f, 1f);
                    }
                    break;
                }
                for (int i = 0; i < x.length; i++) {
                    y[i] = cppMin(cppMax(x[i] + 3f, 0f), 6f) / 6f; // a true division, not * (1/6)
                }
                break;
            case SIGMOID:
                for (int i = 0; i < x.length; i++) {
                    y[i] = 1f / (1f + exp(-x[i]));
                }
                break;
            case TANH:
                for (int i = 0; i < x.length; i++) {
                    y[i] = tanh(x[i]);
                }
                break;
            case SQRT:
                for (int i = 0; i < x.length; i++) {
                    y[i] = (float) Math.sqrt(x[i]); // sqrt in double rounded to float is the correctly rounded float sqrt
                }
                break;
            case ERF:
                for (int i = 0; i < x.length; i++) {
                    y[i] = (float) SpecialFunctions.erf(x[i]);
                }
                break;
            case ABS:
                for (int i = 0; i < x.length; i++) {
                    y[i] = Math.abs(x[i]);
                }
                break;
            case NEG:
                for (int i = 0; i < x.length; i++) {
                    y[i] = -x[i];
                }
                break;
            case RECIPROCAL:
                for (int i = 0; i < x.length; i++) {
                    y[i] = 1f / x[i];
                }
                break;
            case FLOOR:
                for (int i = 0; i < x.length; i++) {
                    y[i] = (float) Math.floor(x[i]); // exact: every float's floor is a float (and -0, NaN, inf stay)
                }
                break;
            case CEIL:
                for (int i = 0; i < x.length; i++) {
                    y[i] = (float) Math.ceil(x[i]);
                }
                break;
            case SIGN:
                for (int i = 0; i < x.length; i++) {
                    y[i] = (x[i] > 0f ? 1f : 0f) - (x[i] < 0f ? 1f : 0f); // torch.sign: (0 < x) - (x < 0)
                }
                break;
            case EXP:
                for (int i = 0; i < x.length; i++) {
                    y[i] = exp(x[i]);
                }
                break;
            case LOG:
                for (int i = 0; i < x.length; i++) {
                    y[i] = (float) Math.log(x[i]);
                }
                break;
            case SOFTPLUS:
                float beta = a.beta(), threshold = a.threshold();
                for (int i = 0; i < x.length; i++) {
                    // x*beta > threshold ? x : log1p(exp(x*beta)) / beta; equality takes the log1p branch
                    float scaled = x[i] * beta;
                    y[i] = scaled > threshold ? x[i] : log1p(exp(scaled)) / beta;
                }
                break;
            case SOFTSIGN:
                for (int i = 0; i < x.length; i++) {
                    y[i] = x[i] / (Math.abs(x[i]) + 1f); // F.softsign: input / (input.abs() + 1)
                }
                break;
            default:
                throw new IllegalArgumentException("direct activations: unknown activation " + a.fn().op());
        }
    }

    /** max(x, 0) that keeps NaN and -0.0 as PyTorch does (clamp_min: std::max(x, 0)). */
    static float relu(float v) {
        return v < 0 ? 0f : v;
    }

    /**
     * ATen's clamp {@code std::min(std::max(x, min), max)}: keeps NaN and -0.0 (relu6(-0.0) = -0.0),
     * and min > max gives max everywhere. Java's Math.max(-0f, 0f) would return +0.
     */
    static float hardtanh(float v, float min, float max) {
        return cppMin(cppMax(v, min), max);
    }

    /** C++ std::max(a, b) = (a &lt; b) ? b : a: returns a when either is NaN or both are zeros. */
    private static float cppMax(float a, float b) {
        return a < b ? b : a;
    }

    /** C++ std::min(a, b) = (b &lt; a) ? b : a. */
    private static float cppMin(float a, float b) {
        return b < a ? b : a;
    }

    /**
     * ATen's elu kernel for elu (scale 1, input scale 1), selu and celu:
     * {@code x <= 0 ? (exp(x * inputScale) - 1) * negCoef : x * posCoef} with negCoef = alpha*scale.
     * 1.13 subtracts 1 in float (newer releases use expm1), so elu(-1e-7) = -1.19e-7, not -1.0e-7:
     * kept deliberately, as is -0.0 -> +0.0 ((1 - 1) * alpha).
     */
    static float elu(float v, float negCoef, float posCoef, float inputScale) {
        return v <= 0 ? (exp(v * inputScale) - 1f) * negCoef : v * posCoef;
    }

    /**
     * gelu, erf form: x * 0.5 * (1 + erf(x * M_SQRT1_2)) in float. The float 1 + erf loses the left
     * tail (gelu(-5) = -1.49e-6 against the exact -1.43e-6; gelu(-10) = -0.0); -inf gives NaN.
     */
    static float gelu(float v) {
        float erf = (float) SpecialFunctions.erf(v * GELU_ALPHA);
        return v * 0.5f * (1f + erf);
    }

    /** gelu, tanh form: 0.5 * x * (1 + tanh(kBeta * (x + kKappa * x^3))) in float. */
    static float geluTanh(float v) {
        float cube = v * v * v;
        float inner = GELU_BETA * (v + GELU_KAPPA * cube);
        return 0.5f * v * (1f + tanh(inner));
    }

    private static float exp(float v) {
        return (float) Math.exp(v);
    }

    private static float log1p(float v) {
        return (float) Math.log1p(v);
    }

    private static float tanh(float v) {
        return (float) Math.tanh(v);
    }

    @Override
    public void prelu(int outer, int channels, int inner, float[] x, float[] weight, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float slope = weight.length == 1 ? weight[0] : weight[c];
                int base = (o * channels + c) * inner;
                for (int k = 0; k < inner; k++) {
                    float v = x[base + k];
                    // ATen prelu_cpu: r = x > 0 ? 1 : w; y = r * x. Identical to x > 0 ? x : w*x, so
                    // -0.0 takes the slope branch (w*-0.0: +0.0 for a negative slope).
                    y[base + k] = v > 0 ? v : slope * v;
                }
            }
        }
    }

    /**
     * softmax / log_softmax over the channels of each (outer, inner) slice: m = max (NaN wins),
     * e = exp(x - m) with x - m and exp in float, the sum of e in double; softmax = e / sum rounded
     * once, log_softmax = (x - m) - log(sum). This is PyTorch's host_softmax (double accumulation);
     * its vectorized paths sum in float and differ by an ulp or two. NaN or +inf anywhere, or an
     * all -inf slice, makes x - m NaN and so the whole slice NaN; other -inf entries give 0 / -inf.
     */
    @Override
    public void softmax(int outer, int channels, int inner, boolean log, float[] x, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * channels * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < channels; c++) {
                    float v = x[base + c * inner];
                    if (v > max || Float.isNaN(v)) { // once NaN, nothing compares greater
                        max = v;
                    }
                }
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    float e = exp(x[base + c * inner] - max);
                    sum += e;
                    if (!log) {
                        y[base + c * inner] = e;
                    }
                }
                if (log) {
                    double logSum = Math.log(sum);
                    for (int c = 0; c < channels; c++) {
                        float shifted = x[base + c * inner] - max;
                        y[base + c * inner] = (float) (shifted - logSum);
                    }
                } else {
                    for (int c = 0; c < channels; c++) {
                        y[base + c * inner] = (float) (y[base + c * inner] / sum);
                    }
                }
            }
        }
    }
}
