package io.opsgi.benchmarks;

import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import java.util.Comparator;
import java.util.List;

/**
 * Every kernel on the classpath, found from the bundles' DS descriptors as the conformance suite
 * finds them: a new kernel module on the benchmark classpath is benchmarked with no edit here.
 */
record Variants(List<DiscoveredKernel> all) {
    /** The reference variant every other is checked against. */
    static final String REFERENCE = "direct";

    static Variants discover() {
        return new Variants(ClasspathKernels.discover(Variants.class.getClassLoader()));
    }

    /** The variants serving {@code op}, highest service ranking first (the container's choice), then by name. */
    List<DiscoveredKernel> serving(String op) {
        return ClasspathKernels.serving(all, op).stream()
                .sorted(Comparator.comparingInt(DiscoveredKernel::ranking).reversed().thenComparing(DiscoveredKernel::variant))
                .toList();
    }

    DiscoveredKernel find(String op, String variant) {
        return serving(op).stream().filter(k -> k.variant().equals(variant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel " + op + "/" + variant + " on the classpath; found " + serving(op)));
    }
}
