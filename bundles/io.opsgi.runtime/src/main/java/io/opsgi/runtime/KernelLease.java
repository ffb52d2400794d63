package io.opsgi.runtime;

import io.opsgi.op.Kernel;

/**
 * The kernels one call runs on: {@link #kernel()} is the op's chain of eligible kernels in selection
 * order (the active one first, the reference last), so a geometry the active kernel does not support,
 * or a call it fails, is answered by the next. While a lease is open the registry will not let any of
 * those kernels' services go away under it: an uninstall waits for open leases (bounded) before the
 * kernel is deactivated. Close it when the call is done, ideally with try-with-resources.
 */
@org.osgi.annotation.versioning.ProviderType
public interface KernelLease<K extends Kernel> extends AutoCloseable {
    K kernel();

    /** The kernel new calls went to when the lease was taken (the head of its chain). */
    KernelDescriptor descriptor();

    /**
     * The kernel that answered the last call made through this lease: the head, or a later kernel of
     * the chain when the head does not support the geometry or failed the call.
     */
    KernelDescriptor servedBy();

    /**
     * Equal for two leases when every call would reach the same kernels in the same order: a caller
     * that keeps objects made by these kernels (prepared convolutions) compares it to know that they
     * are still the ones serving, and makes them again when it changed (a kernel came, went, or was
     * quarantined). The default, the head's descriptor, suits a source whose kernels never change.
     */
    default Object kernelsKey() {
        return descriptor();
    }

    @Override
    void close();
}
