package io.opsgi.net;

import io.opsgi.op.Kernel;
import io.opsgi.op.Operators;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a planned network layer by layer, each operator on the kernel its {@link KernelSource}
 * leases at that moment (in the container: the registry's active kernel, which may change between
 * two layers or two runs when a bundle is installed or removed; a call in flight finishes on its
 * kernel). Records per layer the wall time and the kernel variant that answered.
 */
public final class NetworkRunner {
    /** Where kernels come from: {@code registry::lease} in the container, or a fixed set of kernels on the plain JVM. */
    @FunctionalInterface
    @org.osgi.annotation.versioning.ConsumerType
    public interface KernelSource {
        <K extends Kernel> KernelLease<K> lease(String op, Class<K> type);

        static KernelSource of(OperatorRegistry registry) {
            return registry::lease;
        }
    }

    /** One layer's run: the kernel that answered ({@code null} descriptor for flatten and dropout) and the time it took. */
    public record LayerRun(PlannedLayer layer, KernelDescriptor servedBy, long nanos) {
        public String variant() {
            return servedBy == null ? "-" : servedBy.variant();
        }
    }

    /** The network's outputs (in the order of {@link Network#outputs()}) and what ran. */
    public record Result(List<Tensor> outputs, List<LayerRun> layers, long nanos) {
        public Result {
            outputs = List.copyOf(outputs);
        }

        /** A run of a one-output network. */
        public Result(Tensor output, List<LayerRun> layers, long nanos) {
            this(List.of(output), layers, nanos);
        }

        /** The first output (the only one of most networks). */
        public Tensor output() {
            return outputs.get(0);
        }
    }

    private final KernelSource kernels;

    public NetworkRunner(KernelSource kernels) {
        this.kernels = Objects.requireNonNull(kernels);
    }

    public Result run(Network net, Weights weights, Tensor input) {
        if (!input.shape().equals(net.inputShape())) {
            throw new NetworkException("input_shape", "the input has shape " + input.shape() + " but the network was planned for " + net.inputShape());
        }
        Map<String, Integer> lastUse = lastUses(net);
        Map<String, Tensor> values = new HashMap<>();
        values.put(NetworkDescription.INPUT, input);
        List<LayerRun> runs = new ArrayList<>();
        long start = System.nanoTime();
        for (int step = 0; step < net.layers().size(); step++) {
            PlannedLayer l = net.layers().get(step);
            List<Tensor> in = l.inputs().stream().map(values::get).toList();
            LayerType type = net.type(l);
            long t0 = System.nanoTime();
            Tensor y;
            KernelDescriptor servedBy = null;
            if (l.op() == null) {
                y = type.run(null, l.spec(), in, weights.of(l.name()));
            } else {
                try (KernelLease<? extends Kernel> lease = kernels.lease(l.op(), Operators.get(l.op()).kernelType())) {
                    y = type.run(lease.kernel(), l.spec(), in, weights.of(l.name()));
                    servedBy = lease.servedBy();
                }
            }
            runs.add(new LayerRun(l, servedBy, System.nanoTime() - t0));
            values.put(l.name(), y);
            for (String n : l.inputs()) {
                if (lastUse.getOrDefault(n, -1) == step && !net.isOutput(n)) {
                    values.remove(n); // no later layer reads it: let it go
                }
            }
        }
        List<Tensor> outputs = new ArrayList<>();
        for (String o : net.outputs()) {
            // the input as an output is a copy: the result never aliases the caller's tensor
            outputs.add(o.equals(NetworkDescription.INPUT) ? Tensor.wrap(input.shape(), input.toArray()) : values.get(o));
        }
        return new Result(outputs, runs, System.nanoTime() - start);
    }

    private static Map<String, Integer> lastUses(Network net) {
        Map<String, Integer> last = new HashMap<>();
        for (int step = 0; step < net.layers().size(); step++) {
            for (String n : net.layers().get(step).inputs()) {
                last.put(n, step);
            }
        }
        return last;
    }
}
