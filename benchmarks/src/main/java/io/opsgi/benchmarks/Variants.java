package io.opsgi.benchmarks;

import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every kernel on the classpath, found from the bundles' DS descriptors as the conformance suite
 * finds them: a new kernel module on the benchmark classpath is benchmarked with no edit here.
 */
record Variants(List<DiscoveredKernel> all) {
    /** The reference variant every other is checked against. */
    static final String REFERENCE = "direct";

    /** The suffix of a conv kernel's prepared form: weights prepared once per trial, outside the timing. */
    static final String PREPARED = "+prepared";

    /** Every kernel, and each conv2d kernel with a prepare step of its own once more as {@code <variant>+prepared}. */
    static Variants discover() {
        List<DiscoveredKernel> all = new ArrayList<>(ClasspathKernels.discover(Variants.class.getClassLoader()));
        for (DiscoveredKernel k : List.copyOf(all)) {
            if (k.kernel() instanceof Conv2dKernel c && ownPrepare(c)) {
                all.add(new DiscoveredKernel(new Prepared(c), k.ops(), k.variant() + PREPARED, k.ranking(), k.origin()));
            }
        }
        return new Variants(List.copyOf(all));
    }

    private static boolean ownPrepare(Conv2dKernel c) {
        try {
            return c.getClass().getMethod("prepare", ConvGeometry.class, float[].class, float[].class, Epilogue.class).getDeclaringClass()
                    != Conv2dKernel.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** A conv kernel's prepared form: {@link OpCase} prepares it once when it binds the call; a plain call prepares each time. */
    record Prepared(Conv2dKernel inner) implements Conv2dKernel {
        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            inner.prepare(g, w, bias, Epilogue.NONE).run(x, null, y);
        }

        @Override
        public boolean supports(ConvGeometry g) {
            return inner.supports(g);
        }
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
