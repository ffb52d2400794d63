package io.opsgi.op;

/** Attributes of dropout, as {@code nn.Dropout}: the drop probability p, which must lie in [0, 1]. */
public record DropoutAttrs(double p) {
    public DropoutAttrs {
        // torch: "dropout probability has to be between 0 and 1, but got 1.5" (raised when the module is built)
        OpException.check(p >= 0 && p <= 1, Dropout.OP, "probability_range", "dropout probability has to be between 0 and 1, got p=" + p);
    }
}
