package io.opsgi.onnxproof;

import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.net.NetworkRunner;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.chain.KernelChain;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Kernels on the plain JVM for a network run, chosen as the network tests choose them (the kernel
 * modules on the class path, found from their DS descriptors; per op a {@link KernelChain} in rank
 * order, so a specialised kernel answers the geometries it supports and the next one the rest), with
 * three policies: every kernel ({@link #best}), the reference kernels alone ({@link #reference}), or
 * one variant of one op pinned ahead of the reference and the reference for every other op
 * ({@link #pin}). The lease reports the kernel that answered.
 */
public final class PinnedKernels implements NetworkRunner.KernelSource {
    private static final String REFERENCE = "direct";

    private final List<DiscoveredKernel> all;
    private final String pinnedOp;
    private final String pinnedVariant;
    private final UnaryOperator<Kernel> wrap;

    private PinnedKernels(List<DiscoveredKernel> all, String pinnedOp, String pinnedVariant, UnaryOperator<Kernel> wrap) {
        this.all = all;
        this.pinnedOp = pinnedOp;
        this.pinnedVariant = pinnedVariant;
        this.wrap = wrap;
    }

    /** The kernel modules visible to {@code loader}. */
    public static List<DiscoveredKernel> discover(ClassLoader loader) {
        return ClasspathKernels.discover(loader);
    }

    /** Every kernel, by rank: what a container serves. */
    public static PinnedKernels best(List<DiscoveredKernel> all) {
        return new PinnedKernels(all, null, null, UnaryOperator.identity());
    }

    /** The reference kernels alone. */
    public static PinnedKernels reference(List<DiscoveredKernel> all) {
        return new PinnedKernels(all, "", null, UnaryOperator.identity());
    }

    /** {@code variant} of {@code op} first (then the reference, for the geometries it declines); the reference for every other op. */
    public static PinnedKernels pin(List<DiscoveredKernel> all, String op, String variant) {
        return new PinnedKernels(all, op, variant, UnaryOperator.identity());
    }

    /** The same choice, each leased kernel passed through {@code wrap} (a test's deliberately wrong kernel). */
    public PinnedKernels wrapped(UnaryOperator<Kernel> wrap) {
        return new PinnedKernels(all, pinnedOp, pinnedVariant, wrap);
    }

    /** The variants on the class path that serve {@code op}, the reference first. */
    public static List<String> variants(List<DiscoveredKernel> all, String op) {
        return ClasspathKernels.serving(all, op).stream().map(DiscoveredKernel::variant).distinct()
                .sorted(Comparator.comparing((String v) -> !v.equals(REFERENCE)).thenComparing(Comparator.naturalOrder())).toList();
    }

    private boolean allowed(String op, DiscoveredKernel k) {
        if (pinnedOp == null) {
            return true;
        }
        return k.variant().equals(REFERENCE) || (op.equals(pinnedOp) && k.variant().equals(pinnedVariant));
    }

    @Override
    public <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        List<DiscoveredKernel> chain = ClasspathKernels.serving(all, op).stream().filter(d -> type.isInstance(d.kernel())).filter(d -> allowed(op, d))
                .sorted(Comparator.comparing((DiscoveredKernel d) -> !(op.equals(pinnedOp) && d.variant().equals(pinnedVariant)))
                        .thenComparing(Comparator.comparingInt(DiscoveredKernel::ranking).reversed()))
                .toList();
        if (chain.isEmpty()) {
            throw new IllegalStateException("no " + type.getSimpleName() + " for " + op + " on the class path");
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
            public void close() {
            }
        };
    }
}
