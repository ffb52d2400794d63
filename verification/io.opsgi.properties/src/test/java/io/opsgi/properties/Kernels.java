package io.opsgi.properties;

import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.Kernel;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The kernels on the test classpath, discovered once as Declarative Services would find them: a new
 * kernel module on the classpath is covered by every property with no edit here.
 */
public final class Kernels {
    private static final List<DiscoveredKernel> ALL = ClasspathKernels.discover(Kernels.class.getClassLoader());

    private Kernels() {
    }

    public static List<DiscoveredKernel> all() {
        return ALL;
    }

    /** Every discovered implementation of a kernel family, e.g. all {@code Conv2dKernel}s. */
    public static <K extends Kernel> List<Impl<K>> of(Class<K> family) {
        List<Impl<K>> found = ALL.stream().filter(d -> family.isInstance(d.kernel()))
                .map(d -> new Impl<>(d.ops(), d.variant(), d.origin(), family.cast(d.kernel()))).toList();
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + family.getSimpleName() + " on the test classpath; discovered: " + ALL);
        }
        return found;
    }

    /** The reference ({@value Impl#REFERENCE_VARIANT}) implementation of {@code op} in a family. */
    public static <K extends Kernel> Impl<K> reference(Class<K> family, String op) {
        return of(family).stream().filter(k -> k.serves(op) && k.isReference()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no reference (variant \"direct\") kernel serves " + op + "; discovered: " + ALL));
    }

    /** An arbitrary over the family's implementations; it shrinks towards the first (sorted) one. */
    public static <K extends Kernel> Arbitrary<Impl<K>> arbitrary(Class<K> family) {
        return Arbitraries.of(of(family));
    }
}
