package io.opsgi.runtime;

/**
 * One kernel service as the registry sees it for one op.
 *
 * @param serviceId the kernel's {@code service.id}; ties in ranking go to the lower id (OSGi's rule)
 * @param bundle    symbolic name and version of the bundle that registered it
 * @param active    whether new calls of {@code op} go to it now
 * @param pinned    whether a pin (Config Admin) names this variant for {@code op}
 * @param report    the last verification verdict, null before the first
 */
public record KernelDescriptor(String op, String variant, int ranking, long serviceId, String bundle, KernelState state,
        boolean active, boolean pinned, VerificationReport report) {
}
