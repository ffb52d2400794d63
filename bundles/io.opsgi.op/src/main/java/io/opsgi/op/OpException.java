package io.opsgi.op;

/**
 * The one error type of every operator contract: an invalid configuration or input. The message
 * reads {@code <op>: <rule in words>, got <values>}; {@link #rule()} is a stable id from
 * {@code docs/RULES.md}, shared with the error cases of the reference vectors.
 */
public final class OpException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String op;
    private final String rule;

    public OpException(String op, String rule, String detail) {
        super(op + ": " + detail);
        this.op = op;
        this.rule = rule;
    }

    public String op() {
        return op;
    }

    public String rule() {
        return rule;
    }

    static void check(boolean ok, String op, String rule, String detail) {
        if (!ok) {
            throw new OpException(op, rule, detail);
        }
    }

    /** As {@link #check(boolean, String, String, String)}, the detail built only on failure (checks that run on every call). */
    static void check(boolean ok, String op, String rule, java.util.function.Supplier<String> detail) {
        if (!ok) {
            throw new OpException(op, rule, detail.get());
        }
    }
}
