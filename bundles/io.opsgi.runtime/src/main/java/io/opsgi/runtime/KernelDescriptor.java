package io.opsgi.runtime;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One kernel service as the registry sees it for one op.
 *
 * @param serviceId     the kernel's {@code service.id}; ties in ranking go to the lower id (OSGi's rule);
 *                      -1 for a bundle refused before it could register one
 * @param bundle        symbolic name and version of the bundle that registered it
 * @param active        whether new calls of {@code op} go to it now (in at least one geometry class)
 * @param pinned        whether a pin (Config Admin) names this variant for {@code op}
 * @param report        the last verification verdict, null before the first
 * @param measured      per geometry class ({@code io.opsgi.op.GeometryClass}), the median call time the
 *                      gate measured last (in its own verification or in a newer kernel's, which times
 *                      the kernels serving in the same run)
 * @param activeClasses the geometry classes whose calls go to this kernel first
 */
public record KernelDescriptor(String op, String variant, int ranking, long serviceId, String bundle, KernelState state,
        boolean active, boolean pinned, VerificationReport report, Map<String, Long> measured, List<String> activeClasses) {

    public KernelDescriptor {
        measured = Map.copyOf(measured);
        activeClasses = List.copyOf(activeClasses);
    }

    public KernelDescriptor(String op, String variant, int ranking, long serviceId, String bundle, KernelState state, boolean active,
            boolean pinned, VerificationReport report) {
        this(op, variant, ranking, serviceId, bundle, state, active, pinned, report, Map.of(), List.of());
    }

    /** The median call time measured for calls of this op in {@code geometryClass}; empty if it was never timed there. */
    public OptionalLong measuredNanos(String geometryClass) {
        Long n = measured.get(geometryClass);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }
}
