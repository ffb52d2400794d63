package io.opsgi.op;

/** The element-wise activations, by PyTorch's functional names. */
public enum Activation {
    // Bit-exact: selection, clamping, or one rounding per element (x*slope; hardswish's x*clamp(x+3)/6
    // and hardsigmoid's clamp(x+3)/6 in ATen's order), which Java reproduces.
    RELU("relu", ToleranceClass.BIT_EXACT),
    RELU6("relu6", ToleranceClass.BIT_EXACT),
    LEAKY_RELU("leaky_relu", ToleranceClass.BIT_EXACT),
    // assert_close: built on exp, log1p, tanh or erf, none correctly rounded in float.
    ELU("elu", ToleranceClass.ASSERT_CLOSE),
    SELU("selu", ToleranceClass.ASSERT_CLOSE),
    CELU("celu", ToleranceClass.ASSERT_CLOSE),
    GELU("gelu", ToleranceClass.ASSERT_CLOSE),
    SILU("silu", ToleranceClass.ASSERT_CLOSE),
    MISH("mish", ToleranceClass.ASSERT_CLOSE),
    HARDSWISH("hardswish", ToleranceClass.BIT_EXACT),
    HARDSIGMOID("hardsigmoid", ToleranceClass.BIT_EXACT),
    HARDTANH("hardtanh", ToleranceClass.BIT_EXACT),
    SIGMOID("sigmoid", ToleranceClass.ASSERT_CLOSE),
    TANH("tanh", ToleranceClass.ASSERT_CLOSE),
    SOFTPLUS("softplus", ToleranceClass.ASSERT_CLOSE);

    private final String op;
    private final ToleranceClass tolerance;

    Activation(String op, ToleranceClass tolerance) {
        this.op = op;
        this.tolerance = tolerance;
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
