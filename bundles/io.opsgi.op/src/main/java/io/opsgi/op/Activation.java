package io.opsgi.op;

import java.util.List;

/** The element-wise functions of one input (activations and math functions), by PyTorch's names. */
public enum Activation {
    // Bit-exact: selection, clamping, or one rounding per element (x*slope; hardswish's x*clamp(x+3)/6
    // and hardsigmoid's clamp(x+3)/6 in ATen's order), which Java reproduces.
    RELU("relu", ToleranceClass.BIT_EXACT),
    RELU6("relu6", ToleranceClass.BIT_EXACT),
    LEAKY_RELU("leaky_relu", ToleranceClass.BIT_EXACT),
    // assert_close: built on exp, log1p, tanh or erf, none correctly rounded in float.
    ELU("elu", ToleranceClass.ASSERT_CLOSE),
    SELU("selu", ToleranceClass.ASSERT_CLOSE,
            "ONNX Selu is gamma * (x > 0 ? x : alpha*exp(x) - alpha) with alpha and gamma settable; their defaults are PyTorch's"
                    + " constants rounded to float. A node with alpha or gamma takes that form (absent ones ONNX's defaults); PyTorch's"
                    + " selu multiplies exp(x) - 1 by alpha*scale rounded once, so the two forms differ by an ulp or so (assert_close)"),
    CELU("celu", ToleranceClass.ASSERT_CLOSE),
    GELU("gelu", ToleranceClass.ASSERT_CLOSE),
    SILU("silu", ToleranceClass.ASSERT_CLOSE),
    MISH("mish", ToleranceClass.ASSERT_CLOSE),
    HARDSWISH("hardswish", ToleranceClass.BIT_EXACT),
    // The ONNX form max(0, min(1, alpha*x + beta)) is bit-exact too: one multiply and one add, each rounded, then a clamp.
    HARDSIGMOID("hardsigmoid", ToleranceClass.BIT_EXACT,
            "ONNX HardSigmoid is max(0, min(1, alpha*x + beta)) with default alpha 0.2, beta 0.5; PyTorch's hardsigmoid is"
                    + " min(max(x + 3, 0), 6) / 6 (alpha 1/6, beta 0.5, a true division by 6). A node with alpha or beta takes the ONNX form"
                    + " (absent ones ONNX's defaults), bit-exact with torch.clamp(alpha * x + beta, 0, 1) in float32; a fused multiply-add"
                    + " in ONNX Runtime may differ from it by one rounding"),
    HARDTANH("hardtanh", ToleranceClass.BIT_EXACT),
    SIGMOID("sigmoid", ToleranceClass.ASSERT_CLOSE),
    TANH("tanh", ToleranceClass.ASSERT_CLOSE),
    SOFTPLUS("softplus", ToleranceClass.ASSERT_CLOSE),
    // x / (|x| + 1): an exact abs, one rounded addition and one rounded division, in torch's order.
    SOFTSIGN("softsign", ToleranceClass.BIT_EXACT,
            "ONNX Softsign is x / (1 + |x|), the same function as torch.nn.functional.softsign (x / (|x| + 1)); float addition commutes, so"
                    + " both orders round alike"),
    // torch.sqrt: IEEE sqrt is correctly rounded (NaN below 0, -0 for -0), so every kernel agrees bit for bit.
    SQRT("sqrt", ToleranceClass.BIT_EXACT),
    // torch.erf: not correctly rounded in float (Sleef or libm).
    ERF("erf", ToleranceClass.ASSERT_CLOSE),
    // Exact: a sign bit cleared or flipped, an IEEE division (correctly rounded), a rounding to an integer, a comparison.
    ABS("abs", ToleranceClass.BIT_EXACT),
    NEG("neg", ToleranceClass.BIT_EXACT),
    RECIPROCAL("reciprocal", ToleranceClass.BIT_EXACT),
    FLOOR("floor", ToleranceClass.BIT_EXACT),
    CEIL("ceil", ToleranceClass.BIT_EXACT),
    // torch.sign: (0 < x) - (x < 0), so 0 (not -0) for both zeros and 0 for NaN
    SIGN("sign", ToleranceClass.BIT_EXACT,
            "ONNX Sign leaves NaN unspecified; opsgi gives PyTorch's 0 (torch.sign is (0 < x) - (x < 0)), and 0 for -0"),
    // torch.exp and torch.log: not correctly rounded in float (Sleef or libm).
    EXP("exp", ToleranceClass.ASSERT_CLOSE),
    LOG("log", ToleranceClass.ASSERT_CLOSE);

    private final String op;
    private final ToleranceClass tolerance;
    private final List<String> onnxNotes;

    Activation(String op, ToleranceClass tolerance, String... onnxNotes) {
        this.op = op;
        this.tolerance = tolerance;
        this.onnxNotes = List.of(onnxNotes);
    }

    /** Where ONNX's operator differs from PyTorch's function (see {@link OpSchema#onnxNotes}). */
    List<String> onnxNotes() {
        return onnxNotes;
    }

    /** How closely this function matches PyTorch's: bit-exact or assert_close. */
    public ToleranceClass tolerance() {
        return tolerance;
    }

    /** The op name, e.g. {@code leaky_relu}. */
    public String op() {
        return op;
    }

    public static Activation byOp(String op) {
        for (Activation a : values()) {
            if (a.op.equals(op)) {
                return a;
            }
        }
        return null;
    }
}
