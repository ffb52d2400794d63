package io.opsgi.net;

import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.chain.KernelChain;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Kernels for the plain JVM, chosen as the container chooses them: the kernel modules on the class
 * path, discovered from their DS descriptors; per op a {@link KernelChain} of them in rank order, so a
 * specialised kernel answers the geometries it supports and the next one the rest. Three policies:
 * every kernel ({@code new ClasspathKernelSource()}), the reference kernels alone
 * ({@link #referenceOnly}), or one variant of one op pinned ahead of the reference and the reference
 * for every other op ({@link #pin}). The lease reports the kernel that answered; it holds nothing (no
 * bundle can go away). The one copy: the onnx tests, the ONNX proof and the benchmarks take it from
 * this module's test-jar.
 */
public final class ClasspathKernelSource implements NetworkRunner.KernelSource {
    /** Every kernel on the class path. */
    public static final List<DiscoveredKernel> ALL = ClasspathKernels.discover(ClasspathKernelSource.class.getClassLoader());

    private static final String REFERENCE = "direct";

    /** null: every kernel; "": the references alone; else the op whose {@link #pinnedVariant} goes first. */
    private final String pinnedOp;
    private final String pinnedVariant;
    private final UnaryOperator<Kernel> wrap;
    /** Added to every lease's kernels key (null: none), so that a plan that ran on other kernels prepares and decides again. */
    private final Object generation;

    /** Every kernel on the class path, by rank: what a container serves. */
    public ClasspathKernelSource() {
        this(null, null, UnaryOperator.identity(), null);
    }

    private ClasspathKernelSource(String pinnedOp, String pinnedVariant, UnaryOperator<Kernel> wrap, Object generation) {
        this.pinnedOp = pinnedOp;
        this.pinnedVariant = pinnedVariant;
        this.wrap = wrap;
        this.generation = generation;
    }

    /** The reference kernels alone (variant {@code direct}). */
    public static ClasspathKernelSource referenceOnly() {
        return new ClasspathKernelSource("", null, UnaryOperator.identity(), null);
    }

    /** {@code variant} of {@code op} first (then the reference, for the geometries it declines); the reference for every other op. */
    public static ClasspathKernelSource pin(String op, String variant) {
        return new ClasspathKernelSource(op, variant, UnaryOperator.identity(), null);
    }

    /** The same choice, each leased kernel passed through {@code wrap} (a test's deliberately wrong kernel). */
    public ClasspathKernelSource wrapped(UnaryOperator<Kernel> wrap) {
        return new ClasspathKernelSource(pinnedOp, pinnedVariant, wrap, generation);
    }

    /** The same, each leased kernel passed through {@code wrap}, as a swap: the leases' kernels key differs from before. */
    public ClasspathKernelSource swapped(UnaryOperator<Kernel> wrap, String generation) {
        return new ClasspathKernelSource(pinnedOp, pinnedVariant, wrap, generation);
    }

    /** The variants on the class path that serve {@code op}, the reference first. */
    public static List<String> variants(String op) {
        return ClasspathKernels.serving(ALL, op).stream().map(DiscoveredKernel::variant).distinct()
                .sorted(Comparator.comparing((String v) -> !v.equals(REFERENCE)).thenComparing(Comparator.naturalOrder())).toList();
    }

    private boolean allowed(String op, DiscoveredKernel k) {
        return pinnedOp == null || k.variant().equals(REFERENCE) || (op.equals(pinnedOp) && k.variant().equals(pinnedVariant));
    }

    private boolean pinned(String op, DiscoveredKernel k) {
        return op.equals(pinnedOp) && k.variant().equals(pinnedVariant);
    }

    @Override
    public <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        List<DiscoveredKernel> chain = ClasspathKernels.serving(ALL, op).stream().filter(d -> type.isInstance(d.kernel())).filter(d -> allowed(op, d))
                .sorted(Comparator.comparing((DiscoveredKernel d) -> !pinned(op, d))
                        .thenComparing(Comparator.comparingInt(DiscoveredKernel::ranking).reversed()))
                .toList();
        if (chain.isEmpty()) {
            throw new IllegalStateException("no " + type.getSimpleName() + " for " + op + " on the class path: " + ALL);
        }
        List<KernelDescriptor> descriptors = chain.stream()
                .map(k -> new KernelDescriptor(op, k.variant(), k.ranking(), 0, k.origin(), KernelState.UNVERIFIED, k == chain.get(0), false, null))
                .toList();
        int[] served = {0};
        K kernel = KernelChain.of(type, chain.stream().map(d -> type.cast(wrap.apply(d.kernel()))).toList(), new KernelChain.Monitor() {
            @Override
            public void served(int index) {
                served[0] = index;
            }
        });
        return new KernelLease<>() {
            @Override
            public K kernel() {
                return kernel;
            }

            @Override
            public KernelDescriptor descriptor() {
                return descriptors.get(0);
            }

            @Override
            public KernelDescriptor servedBy() {
                return descriptors.get(served[0]);
            }

            @Override
            public Object kernelsKey() {
                return generation == null ? descriptor() : List.of(descriptor(), generation);
            }

            @Override
            public void close() {
            }
        };
    }
}
