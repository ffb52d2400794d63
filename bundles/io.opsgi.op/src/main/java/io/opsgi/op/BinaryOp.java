package io.opsgi.op;

/**
 * The binary element-wise ops, by PyTorch's names: {@code torch.add} (alpha 1), {@code torch.sub}
 * (alpha 1), {@code torch.mul} and {@code torch.div} (true division, rounding_mode None), each output
 * element one correctly rounded float operation on the two broadcast operands; {@code torch.maximum} and
 * {@code torch.minimum} (a selection: exact); and {@code torch.pow}
 * of two float tensors, C's powf with its special cases ({@link Pow#of}).
 */
public enum BinaryOp {
    ADD("add", "+"),
    SUB("sub", "-"),
    MUL("mul", "*"),
    DIV("div", "/"),
    POW("pow", "**"),
    /** torch.maximum and torch.minimum: NaN if either operand is NaN, else std::max/std::min, which keep the input of two equal zeros. */
    MAXIMUM("maximum", "max"),
    MINIMUM("minimum", "min");

    private final String op;
    private final String symbol;

    BinaryOp(String op, String symbol) {
        this.op = op;
        this.symbol = symbol;
    }

    /** The op name, e.g. {@code sub}. */
    public String op() {
        return op;
    }

    /** The operator as written in a formula, e.g. {@code -}. */
    public String symbol() {
        return symbol;
    }

    /** The op named {@code op}, or null. */
    public static BinaryOp byOp(String op) {
        for (BinaryOp b : values()) {
            if (b.op.equals(op)) {
                return b;
            }
        }
        return null;
    }
}
