package io.opsgi.runtime;

import io.opsgi.op.Kernel;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The verification gate's judge, a service: while one is registered (and the gate is on, the
 * default), a new kernel is pending until it has passed {@link #verify}, and is quarantined if it
 * fails, throws or overruns the time limit. The runtime calls it on a background thread of its own
 * and enforces the time limit, so an implementation may simply run its checks.
 */
@ConsumerType
public interface KernelVerifier {
    /** Checks {@code kernel} for every op it declares; never throws for a bad kernel, it reports it. */
    VerificationReport verify(Request request);

    /**
     * @param references per op, the verified reference kernel ({@link #REFERENCE_VARIANT}) to compare
     *                   against; absent for an op without one, and for the reference itself
     * @param rivals     per op, the eligible kernels now serving it by variant (the reference among them):
     *                   the verifier times {@code kernel} against them in the same run, so the runtime
     *                   can select the fastest per geometry class
     */
    record Request(List<String> ops, String variant, String bundle, Kernel kernel, Map<String, Kernel> references, long seed,
            Map<String, Map<String, Kernel>> rivals) {
        public Request {
            ops = List.copyOf(ops);
            references = Map.copyOf(references);
            Map<String, Map<String, Kernel>> copy = new java.util.TreeMap<>();
            rivals.forEach((op, byVariant) -> copy.put(op, Map.copyOf(byVariant)));
            rivals = java.util.Collections.unmodifiableMap(copy);
        }

        public Request(List<String> ops, String variant, String bundle, Kernel kernel, Map<String, Kernel> references, long seed) {
            this(ops, variant, bundle, kernel, references, seed, Map.of());
        }
    }

    /** The variant every other kernel of an op is compared with. */
    String REFERENCE_VARIANT = "direct";
}
