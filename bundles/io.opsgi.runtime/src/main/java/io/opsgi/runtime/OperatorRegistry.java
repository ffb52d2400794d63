package io.opsgi.runtime;

import io.opsgi.op.Kernel;
import io.opsgi.op.Operators;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Tracks every kernel service per op and picks the one that serves new calls: a pinned variant if
 * one is pinned and eligible, else the highest {@code service.ranking}.
 *
 * <pre>
 * Tensor y = registry.call("conv2d", Conv2dKernel.class, k -&gt; Conv2d.apply(k, x, w, b, attrs));
 * </pre>
 */
@ProviderType
public interface OperatorRegistry {
    /** Configuration PID; properties {@code pin.<op> = <variant>}. */
    String PID = "io.opsgi.runtime";
    /** Prefix of pin properties in the configuration. */
    String PIN_PREFIX = "pin.";

    /** Every (op, kernel) pair, by op, then by selection order (the first eligible one is active). */
    List<KernelDescriptor> kernels();

    /** The kernel that new calls of {@code op} go to, if any. */
    Optional<KernelDescriptor> active(String op);

    /**
     * A lease on the active kernel of {@code op}.
     *
     * @throws NoKernelException if no eligible kernel serves it
     */
    <K extends Kernel> KernelLease<K> lease(String op, Class<K> type);

    /** Runs {@code fn} on the active kernel of {@code op}, holding a lease for the duration. */
    default <K extends Kernel, R> R call(String op, Class<K> type, Function<K, R> fn) {
        try (KernelLease<K> lease = lease(op, type)) {
            return fn.apply(lease.kernel());
        }
    }

    /** Runs {@code op} generically: attributes in PyTorch's terms, named inputs and outputs. */
    default Map<String, Object> run(String op, Map<String, ?> attrs, Map<String, Tensor> inputs) {
        var operator = Operators.get(op);
        return call(op, operator.kernelType(), k -> operator.run(k, attrs, inputs));
    }

    /** Pins {@code variant} for {@code op} (persisted through Config Admin; applies asynchronously). */
    void pin(String op, String variant);

    void unpin(String op);
}
