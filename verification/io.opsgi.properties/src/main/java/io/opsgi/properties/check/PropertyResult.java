package io.opsgi.properties.check;

import java.util.ArrayList;
import java.util.List;

/**
 * How one property fared: {@code Conv2dProperties.agreesWithReference} with its tries, and for a
 * failure the shrunk counterexample as jqwik printed it (attributes and shapes, never tensor data)
 * and the first lines of the error.
 *
 * @param container      the property class, e.g. {@code Conv2dProperties}
 * @param tries          samples generated, including discarded ones
 * @param checks         samples actually checked (not discarded as not applicable)
 * @param counterexample the shrunk falsifying sample, or null
 * @param error          what failed, or why the property did not apply; null if it passed
 * @param millis         how long the property ran, shrinking included
 */
public record PropertyResult(String container, String property, Status status, int tries, int checks, String seed, String counterexample,
        int shrinkingSteps, String error, long millis) {

    public enum Status {
        PASSED,
        FAILED,
        /** No try applied to the kernels under test (e.g. a law about ops the stranger's kernel does not serve). */
        NOT_APPLICABLE
    }

    public String name() {
        return container + "." + property;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }

    /** A few lines a person can act on: the property, the counterexample, what went wrong, the seed. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        lines.add(name() + " (seed " + seed + ", " + tries + " tries)");
        if (counterexample != null) {
            lines.add("  counterexample" + (shrinkingSteps > 0 ? " (shrunk in " + shrinkingSteps + " steps)" : "") + ": " + counterexample);
        }
        if (error != null) {
            error.lines().limit(4).forEach(l -> lines.add("  " + l));
        }
        return String.join("\n", lines);
    }

    /** One line for progress output. */
    public String summary() {
        return "property " + name() + ": " + switch (status) {
            case PASSED -> "passed (" + checks + " checks";
            case FAILED -> "FAILED (after " + tries + " tries";
            case NOT_APPLICABLE -> "not applicable (" + tries + " tries discarded";
        } + String.format(", %.1f s)", millis / 1000.0);
    }
}
