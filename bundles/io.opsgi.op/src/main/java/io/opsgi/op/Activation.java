package io.opsgi.op;

/** The element-wise activations, by PyTorch's functional names. */
public enum Activation {
    RELU("relu"),
    RELU6("relu6"),
    LEAKY_RELU("leaky_relu"),
    ELU("elu"),
    SELU("selu"),
    CELU("celu"),
    GELU("gelu"),
    SILU("silu"),
    MISH("mish"),
    HARDSWISH("hardswish"),
    HARDSIGMOID("hardsigmoid"),
    HARDTANH("hardtanh"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    SOFTPLUS("softplus");

    private final String op;

    Activation(String op) {
        this.op = op;
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
