package io.opsgi.op;

/**
 * The binary element-wise ops, by PyTorch's names: {@code torch.add} (alpha 1), {@code torch.sub}
 * (alpha 1), {@code torch.mul} and {@code torch.div} (true division, rounding_mode None). Each output
 * element is one correctly rounded float operation on the two broadcast operands.
 */
public enum BinaryOp {
    ADD("add", "+"),
    SUB("sub", "-"),
    MUL("mul", "*"),
    DIV("div", "/");

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
