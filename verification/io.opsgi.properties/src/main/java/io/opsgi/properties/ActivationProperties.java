package io.opsgi.properties;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/**
 * The element-wise activations: the kernel contract over every discovered ElementwiseKernel (each on
 * the functions it declares), the exact formulas of the piecewise-linear ones, and idempotence of
 * the clamps, with hardsigmoid's and selu's ONNX forms. Data includes +-0, +-inf and NaN.
 */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1000)
class ActivationProperties implements KernelContract<ElementwiseKernel, ActivationCase> {

    @Override
    public Class<ElementwiseKernel> family() {
        return ElementwiseKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<ActivationCase> valid() {
        return PadBatchNormActivationCases.activation();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<ElementwiseKernel>> invalid() {
        return PadBatchNormActivationCases.activationInvalid();
    }

    @Override
    public Outputs run(ElementwiseKernel kernel, ActivationCase c, List<Tensor> in) {
        return Outputs.of(Activations.apply(kernel, in.get(0), c.attrs()));
    }

    @Override
    public Shape expectedShape(ActivationCase c) {
        return SeededData.shape(c.shape());
    }

    @Override
    public Shape contractShape(ActivationCase c) {
        return SeededData.shape(c.shape()); // element-wise: the input's shape
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    @Provide
    Arbitrary<ActivationCase> piecewiseLinear() {
        return PadBatchNormActivationCases.activation(Activation.RELU, Activation.RELU6, Activation.LEAKY_RELU, Activation.HARDTANH,
                Activation.HARDSWISH, Activation.HARDSIGMOID, Activation.SOFTSIGN, Activation.SQRT, Activation.ABS, Activation.NEG,
                Activation.RECIPROCAL, Activation.FLOOR, Activation.CEIL, Activation.SIGN);
    }

    /** PyTorch 1.13's float32 formulas (OPERATOR-SEMANTICS §9), in C++'s std::min/std::max order, bit for bit. */
    @Property
    void piecewiseLinearFunctionsMatchTheirFormulas(@ForAll KernelUnderTest<ElementwiseKernel> k, @ForAll("piecewiseLinear") ActivationCase c) {
        Assume.that(k.serves(c.op()));
        Tensor x = c.inputs().get(0);
        float[] y = new float[x.size()];
        ActivationAttrs a = c.attrs();
        for (int i = 0; i < y.length; i++) {
            float v = x.getFlat(i);
            switch (a.fn()) {
                case RELU: y[i] = v < 0 ? 0f : v; break;
                case RELU6: y[i] = clamp(v, 0f, 6f); break;
                case LEAKY_RELU: y[i] = v > 0 ? v : v * a.negativeSlope(); break;
                case HARDTANH: y[i] = clamp(v, a.minVal(), a.maxVal()); break;
                case HARDSWISH: y[i] = v * clamp(v + 3f, 0f, 6f) / 6f; break;
                case SOFTSIGN: y[i] = v / (Math.abs(v) + 1f); break; // F.softsign: input / (input.abs() + 1)
                case SQRT: y[i] = (float) StrictMath.sqrt(v); break; // IEEE sqrt, correctly rounded
                case ABS: y[i] = Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0x7fffffff); break; // the sign bit cleared
                case NEG: y[i] = Float.intBitsToFloat(Float.floatToRawIntBits(v) ^ 0x80000000); break; // the sign bit flipped
                case RECIPROCAL: y[i] = (float) (1.0 / v); break; // a float quotient rounded via double is still correctly rounded (53 >= 2 * 24 + 2)
                case FLOOR: y[i] = (float) StrictMath.floor(v); break;
                case CEIL: y[i] = (float) StrictMath.ceil(v); break;
                case SIGN: y[i] = v > 0 ? 1f : v < 0 ? -1f : 0f; break; // torch.sign: (0 < x) - (x < 0); +0 for zeros and NaN
                default: // hardsigmoid; ONNX's form: max(0, min(1, alpha*x + beta)), as torch.clamp(alpha * x + beta, 0, 1)
                    y[i] = a.onnxForm() ? clamp(a.alpha() * v + a.beta(), 0f, 1f) : clamp(v + 3f, 0f, 6f) / 6f;
                    break;
            }
        }
        Closeness.assertClose(Closeness.exact("an exact formula / a projection"), Activations.apply(k.kernel(), x, a), Tensor.wrap(x.shape(), y), k + " vs the " + c.call() + " formula");
    }

    @Provide
    Arbitrary<ActivationCase> transcendental() {
        return PadBatchNormActivationCases.activation(Activation.ELU, Activation.SELU, Activation.CELU, Activation.GELU, Activation.SILU,
                Activation.MISH, Activation.SIGMOID, Activation.TANH, Activation.SOFTPLUS, Activation.ERF, Activation.EXP, Activation.LOG);
    }

    /**
     * The libm-based functions against their textbook formulas in float64 (OPERATOR-SEMANTICS §9,
     * including PyTorch's branches and its results at +-inf), within assert_close's float32 default.
     */
    @Property
    void transcendentalFunctionsMatchTheirFormulas(@ForAll KernelUnderTest<ElementwiseKernel> k, @ForAll("transcendental") ActivationCase c) {
        Assume.that(k.serves(c.op()));
        Tensor x = c.inputs().get(0);
        ActivationAttrs a = c.attrs();
        float[] y = new float[x.size()];
        for (int i = 0; i < y.length; i++) {
            double v = x.getFlat(i);
            double r;
            switch (a.fn()) {
                case ELU: r = v > 0 ? v : a.alpha() * (Math.exp(v) - 1); break;
                case SELU: r = a.onnxForm() ? a.gamma() * (v > 0 ? v : a.alpha() * Math.exp(v) - a.alpha()) // ONNX Selu
                        : 1.0507009873554804934 * (v > 0 ? v : 1.6732632423543772848 * (Math.exp(v) - 1)); break;
                case CELU: r = v > 0 ? v : a.alpha() * (Math.exp(v / a.alpha()) - 1); break;
                case GELU: r = a.tanhApproximation() ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))
                        : v * 0.5 * (1 + Erf.erf(v / Math.sqrt(2))); break;
                case SILU: r = v / (1 + Math.exp(-v)); break;
                case MISH: r = v * Math.tanh(Math.log1p(Math.exp(v))); break;
                case SIGMOID: r = 1 / (1 + Math.exp(-v)); break;
                case TANH: r = Math.tanh(v); break;
                case ERF: r = Erf.erf(v); break;
                case EXP: r = Math.exp(v); break;
                case LOG: r = Math.log(v); break;
                default: r = (float) (x.getFlat(i) * a.beta()) > a.threshold() ? v : Math.log1p(Math.exp(a.beta() * v)) / a.beta(); break; // softplus
            }
            y[i] = (float) r;
        }
        Closeness.assertClose(Closeness.assertClose(), Activations.apply(k.kernel(), x, a), Tensor.wrap(x.shape(), y), k + " vs the " + c.call() + " formula");
    }

    /** std::min(std::max(v, lo), hi): NaN and -0.0 pass through, lo > hi gives hi. */
    static float clamp(float v, float lo, float hi) {
        float m = v < lo ? lo : v;
        return hi < m ? hi : m;
    }

    @Provide
    Arbitrary<ActivationCase> clamps() {
        return PadBatchNormActivationCases.activation(Activation.RELU, Activation.RELU6, Activation.HARDTANH);
    }

    /** relu, relu6 and hardtanh are projections: applying one twice changes nothing. */
    @Property
    void clampsAreIdempotent(@ForAll KernelUnderTest<ElementwiseKernel> k, @ForAll("clamps") ActivationCase c) {
        Assume.that(k.serves(c.op()));
        Tensor once = Activations.apply(k.kernel(), c.inputs().get(0), c.attrs());
        Closeness.assertClose(Closeness.exact("an exact formula / a projection"), Activations.apply(k.kernel(), once, c.attrs()), once, k + ": " + c.call() + " twice");
    }
}
