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
 * one is pinned and eligible, else the highest {@code service.ranking}. With the verification gate
 * on (the default, whenever a {@link KernelVerifier} is registered) a kernel is eligible only once
 * verified; a kernel that fails a call is quarantined and the call is answered by the next one.
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

    /** The kernel {@code variant} of {@code op}, if one is registered. */
    default Optional<KernelDescriptor> kernel(String op, String variant) {
        return kernels().stream().filter(k -> k.op().equals(op) && k.variant().equals(variant)).findFirst();
    }

    /** The kernel that new calls of {@code op} go to, if any. */
    Optional<KernelDescriptor> active(String op);

    /**
     * A lease on the active kernel of {@code op}.
     *
     * @throws NoKernelException if no eligible kernel serves it
     */
    <K extends Kernel> KernelLease<K> lease(String op, Class<K> type);

    /** Framework or configuration property: {@code off} switches the verification gate off (every kernel is eligible as it arrives). */
    String GATE = "opsgi.gate";
    /**
     * Framework or configuration property: {@code speed} (the default) selects per op and geometry
     * class the fastest kernel the gate measured, ranking breaking ties within the noise margin and a
     * pin winning; {@code ranking} selects by {@code service.ranking} alone (specialised kernels still
     * take their geometry classes). The measured times are shown either way.
     */
    String SELECT = "opsgi.select";
    /** Framework or configuration property: the verification time limit in seconds (default 120). */
    String VERIFY_TIMEOUT = "opsgi.verify.timeout";
    /**
     * Framework or configuration property: a folder where the gate remembers its passes (unset or {@code off}: none,
     * the default; {@code ./opsgi} sets it). With a {@link ReproducibleVerifier}, a kernel whose code, judge, suite,
     * references and machine are those of a remembered pass serves on that pass without being verified again.
     */
    String VERDICTS = "opsgi.verdicts";

    /**
     * Framework or configuration property: the floor of the per-call deadline in milliseconds (default
     * 30000; 0 switches deadlines off). A kernel's deadline is the larger of this and a generous multiple
     * of its measured time per unit of work times the call's work; an attempt that overruns it is
     * quarantined and its call answered by the next kernel.
     */
    String CALL_DEADLINE = "opsgi.call.deadline";
    /** Framework or configuration property: the share of live calls recomputed by the reference and compared (default 0.01). */
    String SHADOW_RATE = "opsgi.shadow.rate";
    /** Framework or configuration property: the most of one core's time the shadow checks may take, the sampled callers' copies included (default 0.005). */
    String SHADOW_BUDGET = "opsgi.shadow.budget";

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

    /**
     * Pins {@code variant} for {@code op} (persisted through Config Admin, one record per op, so
     * concurrent pins of different ops all take effect; applies asynchronously).
     *
     * @throws IllegalArgumentException if no kernel serves {@code op}, or none of its kernels is {@code variant}
     *                                  (the message names the valid ones)
     */
    void pin(String op, String variant);

    /** Removes the pin of {@code op}, if any. */
    void unpin(String op);

    /** Removes the pin of {@code op}; the variant it pinned, or empty if it had no pin. */
    Optional<String> clearPin(String op);

    /**
     * Verifies the kernel again (its state stays as it is while that runs; a failure quarantines it).
     *
     * @throws IllegalArgumentException if no such kernel is registered
     */
    void reverify(String op, String variant);

    /**
     * Releases a quarantined kernel: it becomes pending and is verified again, and serves only if it
     * passes. The only way out of quarantine.
     *
     * @throws IllegalArgumentException if no such kernel is registered, or it is not quarantined
     */
    void release(String op, String variant);

    /** Waits until no kernel is pending, at most {@code timeoutMillis}; true if none is. */
    boolean awaitSettled(long timeoutMillis) throws InterruptedException;

    /**
     * Puts {@code ops} first: while the returned focus is open, the gate verifies the pending kernels of these ops (and
     * the references those kernels are compared with) and holds every other pending kernel back (a verification
     * already running finishes). For a command that needs only some ops, such as a one-shot network run: it waits for
     * those ops' kernels alone, and its timings do not share the cores with unrelated verifications. Closing the
     * focus lets the held kernels be verified as usual; focuses may overlap (the union of their ops is first).
     */
    Focus focus(java.util.Collection<String> ops);

    /** An open {@link #focus}: close it when the work that needed it is done. */
    interface Focus extends AutoCloseable {
        /** Waits until no kernel of the focus's ops is pending, at most {@code timeoutMillis}; true if none is. */
        boolean awaitSettled(long timeoutMillis) throws InterruptedException;

        @Override
        void close();
    }
}
