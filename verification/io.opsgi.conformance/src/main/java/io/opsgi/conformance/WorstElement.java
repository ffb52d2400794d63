package io.opsgi.conformance;

import io.opsgi.tensor.Ulp;
import java.util.List;

/**
 * The element of an output that missed its tolerance by the most.
 *
 * @param index    the full index, e.g. {@code [n, c, h, w]} for an NCHW tensor
 * @param expected PyTorch's value (a Float, or a Long for indices)
 * @param actual   the kernel's value
 */
public record WorstElement(String output, int flatIndex, List<Integer> index, Number expected, Number actual) {
    public WorstElement {
        index = List.copyOf(index);
    }

    /** e.g. {@code output[0, 2, 4, 4] (flat 76): expected 1.25, got 1.2500002 (1 ulp, abs error 1.19e-07)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(output).append(index).append(" (flat ").append(flatIndex).append("): expected ")
                .append(expected).append(", got ").append(actual);
        if (expected instanceof Float e && actual instanceof Float a && Float.isFinite(e) && Float.isFinite(a)) {
            sb.append(String.format(java.util.Locale.ROOT, " (%d ulp, abs error %.3g)", Ulp.distance(e, a), Math.abs((double) a - e)));
        }
        return sb.toString();
    }
}
