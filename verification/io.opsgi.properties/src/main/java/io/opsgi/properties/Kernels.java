package io.opsgi.properties;

import io.opsgi.conformance.BlockedPath;
import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.PreparedPath;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.chain.KernelChain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The kernels the properties draw. On the plain JVM: every kernel on the test classpath, discovered
 * once as Declarative Services would find them, so a new kernel module is covered with no edit
 * here. Inside the container, the suite runner (io.opsgi.properties.check) installs a {@link Scope} for the duration of a
 * run: the registered kernel services, or only a stranger's bundle's, with the container's
 * reference kernels to compare them with.
 *
 * <p>Every kernel is handed out behind {@link KernelChain#only}, so a specialised kernel is only
 * asked for the geometries it {@code supports}; the chain's {@code UnsupportedGeometryException}
 * discards the try ({@link NotApplicableGeometry}).
 */
public final class Kernels {
    /** The suffix of a kernel's prepare path among the variants drawn (e.g. {@code gemm+prepared}). */
    public static final String PREPARED = "+prepared";
    /** The suffix of a kernel's blocked entry points among the variants drawn (e.g. {@code blocked+blocked}). */
    public static final String BLOCKED = "+blocked";
    private static volatile Scope installed;

    private Kernels() {
    }

    /** The kernels under test and the references they are compared with. */
    public static final class Scope {
        final List<DiscoveredKernel> underTest;
        final List<DiscoveredKernel> references;
        /** Only some kernels are under test (a stranger's jar): families without one are not checked. */
        final boolean restricted;
        private final Map<Class<?>, List<KernelUnderTest<?>>> wrappedUnderTest = new ConcurrentHashMap<>();
        private final Map<Class<?>, List<KernelUnderTest<?>>> wrappedReferences = new ConcurrentHashMap<>();

        public Scope(List<DiscoveredKernel> underTest, List<DiscoveredKernel> references, boolean restricted) {
            this.underTest = List.copyOf(underTest);
            this.references = restricted ? List.copyOf(references) : this.underTest;
            this.restricted = restricted;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        <K extends Kernel> List<KernelUnderTest<K>> underTest(Class<K> family) {
            return (List) wrappedUnderTest.computeIfAbsent(family, f -> (List) wrap(family, underTest));
        }

        /** In a full run the references are among the kernels under test: the same wrapped objects, so a kernel is recognised as itself. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        <K extends Kernel> List<KernelUnderTest<K>> references(Class<K> family) {
            return restricted ? (List) wrappedReferences.computeIfAbsent(family, f -> (List) wrap(family, references)) : underTest(family);
        }

        /**
         * Each kernel, and after it each kernel's prepare path ({@link PreparedPath}) and, for a conv with blocked entry points
         * ({@link BlockedPath#offers}), those ({@link BlockedPath}) as variants of their own.
         */
        private static <K extends Kernel> List<KernelUnderTest<K>> wrap(Class<K> family, List<DiscoveredKernel> kernels) {
            List<KernelUnderTest<K>> all = new ArrayList<>();
            kernels.stream().filter(d -> family.isInstance(d.kernel()))
                    .map(d -> new KernelUnderTest<>(d.ops(), d.variant(), d.origin(), KernelChain.only(family, family.cast(d.kernel())))).forEach(all::add);
            kernels.stream().filter(d -> family.isInstance(d.kernel()) && PreparedPath.of(d.kernel()) != null)
                    .map(d -> new KernelUnderTest<>(d.ops(), d.variant() + PREPARED, d.origin(),
                            KernelChain.only(family, family.cast(PreparedPath.of(d.kernel()))))).forEach(all::add);
            kernels.stream().filter(d -> family.isInstance(d.kernel()) && BlockedPath.offers(d.kernel()))
                    .map(d -> new KernelUnderTest<>(d.ops(), d.variant() + BLOCKED, d.origin(),
                            KernelChain.only(family, family.cast(BlockedPath.of(d.kernel()))))).forEach(all::add);
            return List.copyOf(all);
        }
    }

    /** Discovered on first use only: inside the container the classpath holds no kernels. */
    private static final class Classpath {
        static final Scope SCOPE = new Scope(ClasspathKernels.discover(Kernels.class.getClassLoader()), List.of(), false);
    }

    static Scope scope() {
        Scope s = installed;
        return s != null ? s : Classpath.SCOPE;
    }

    /** Installs the kernels of one run; null goes back to the classpath. */
    public static void use(Scope scope) {
        installed = scope;
    }

    public static List<DiscoveredKernel> all() {
        return scope().underTest;
    }

    /** Whether this run checks only some kernels (a stranger's jar), not every kernel there is. */
    public static boolean restricted() {
        return scope().restricted;
    }

    /** Whether a kernel of {@code family} is under test. */
    public static boolean underTest(Class<? extends Kernel> family) {
        return scope().underTest.stream().anyMatch(d -> family.isInstance(d.kernel()));
    }

    /**
     * Every implementation of a kernel family under test, e.g. all {@code Conv2dKernel}s. In a
     * restricted run, a family with none under test (the second family of a law like "max pool >=
     * avg pool") is played by its reference kernels.
     */
    public static <K extends Kernel> List<KernelUnderTest<K>> of(Class<K> family) {
        Scope s = scope();
        List<KernelUnderTest<K>> found = s.underTest(family);
        if (found.isEmpty() && s.restricted) {
            found = s.references(family).stream().filter(KernelUnderTest::isReference).toList();
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + family.getSimpleName() + " to check; discovered: " + s.underTest);
        }
        return found;
    }

    /** The reference ({@value KernelUnderTest#REFERENCE_VARIANT}) implementation of {@code op} in a family. */
    public static <K extends Kernel> KernelUnderTest<K> reference(Class<K> family, String op) {
        Scope s = scope();
        return s.references(family).stream().filter(k -> k.serves(op) && k.isReference()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no reference (variant \"direct\") kernel serves " + op + "; discovered: " + s.references));
    }

    /** An arbitrary over the family's implementations; it shrinks towards the first (sorted) one. */
    public static <K extends Kernel> Arbitrary<KernelUnderTest<K>> arbitrary(Class<K> family) {
        return Arbitraries.of(of(family));
    }

    /**
     * The candidates whose op some kernel of {@code family} under test serves, so that a run over a
     * kernel serving one activation draws that activation, not eighteen of which seventeen are
     * discarded. If none is served, all of them (each try is then discarded: not applicable).
     */
    public static <T> List<T> served(Class<? extends Kernel> family, List<T> candidates, Function<T, String> op) {
        List<DiscoveredKernel> kernels = scope().underTest.stream().filter(d -> family.isInstance(d.kernel())).toList();
        List<T> served = candidates.stream().filter(c -> kernels.stream().anyMatch(k -> k.serves(op.apply(c)))).toList();
        return served.isEmpty() ? candidates : served;
    }
}
