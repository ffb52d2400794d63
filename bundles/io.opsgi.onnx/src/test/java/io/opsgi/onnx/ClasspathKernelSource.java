package io.opsgi.onnx;

import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.net.NetworkRunner;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelState;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Kernels for the plain JVM, chosen as the container chooses them: the kernel modules on the test
 * classpath, discovered from their DS descriptors; per op a {@link KernelChain} of them in rank
 * order, so a specialised kernel answers the geometries it supports and the next one the rest. The
 * lease reports the kernel that answered. A lease here holds nothing (no bundle can go away).
 */
final class ClasspathKernelSource implements NetworkRunner.KernelSource {
    static final List<DiscoveredKernel> ALL = ClasspathKernels.discover(ClasspathKernelSource.class.getClassLoader());

    private final Predicate<DiscoveredKernel> allowed;

    /** Every kernel on the classpath. */
    ClasspathKernelSource() {
        this(k -> true);
    }

    /** Only the kernels {@code allowed} admits (e.g. the reference kernels, variant "direct"). */
    ClasspathKernelSource(Predicate<DiscoveredKernel> allowed) {
        this.allowed = allowed;
    }

    static ClasspathKernelSource referenceOnly() {
        return new ClasspathKernelSource(k -> k.variant().equals("direct"));
    }

    @Override
    public <K extends Kernel> KernelLease<K> lease(String op, Class<K> type) {
        List<DiscoveredKernel> chain = ClasspathKernels.serving(ALL, op).stream().filter(d -> type.isInstance(d.kernel())).filter(allowed)
                .sorted(Comparator.comparingInt(DiscoveredKernel::ranking).reversed()).toList();
        if (chain.isEmpty()) {
            throw new IllegalStateException("no " + type.getSimpleName() + " for " + op + " on the test classpath: " + ALL);
        }
        List<KernelDescriptor> descriptors = chain.stream()
                .map(k -> new KernelDescriptor(op, k.variant(), k.ranking(), 0, k.origin(), KernelState.UNVERIFIED, k == chain.get(0), false, null))
                .toList();
        int[] served = {0};
        K kernel = KernelChain.of(type, chain.stream().map(d -> type.cast(d.kernel())).toList(), new KernelChain.Monitor() {
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
