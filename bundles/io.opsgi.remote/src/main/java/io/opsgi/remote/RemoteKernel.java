package io.opsgi.remote;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One kernel as a remote service. Kernel interfaces write into {@code @Output} arrays, which a
 * pass-by-value call cannot carry back; this interface returns them instead. Arguments and results
 * are plain JDK values (see {@code Calls}): records as arrays of their components, enums by name,
 * float arrays as they are, so neither side needs the other's classes beyond {@code io.opsgi.op}.
 *
 * <p>Service properties: {@code opsgi.op}, {@code opsgi.variant}, {@link #FAMILY}, {@link #BUNDLE},
 * {@code service.ranking}, and the Remote Services export properties.
 */
@ProviderType
public interface RemoteKernel {
    /** The kernel's family interface, e.g. {@code io.opsgi.op.Conv2dKernel}. */
    String FAMILY = "opsgi.family";
    /** Symbolic name and version of the bundle the kernel comes from, on the host. */
    String BUNDLE = "opsgi.bundle";
    /** SHA-256 of that bundle's jar, when the host knows it (the sandbox does). */
    String SHA256 = "opsgi.sha256";

    /**
     * Calls {@code method} of the family interface with {@code args} encoded. Returns, for a method
     * writing {@code @Output} parameters, those arrays in parameter order ({@code float[][]});
     * otherwise the method's own result (e.g. {@code supports}'s Boolean).
     */
    Object call(String method, Object[] args);
}
