package io.opsgi.conformance;

import io.opsgi.op.Kernel;
import java.util.List;

/** A kernel implementation with the ops and variant it declares, however it was found. */
public record DiscoveredKernel(Kernel kernel, List<String> ops, String variant, int ranking, String origin) {
    public boolean serves(String op) {
        return ops.contains(op);
    }

    /** e.g. {@code conv2d/direct}. */
    public String label(String op) {
        return op + "/" + variant;
    }

    @Override
    public String toString() {
        return variant + " " + ops + " (" + origin + ")";
    }
}
