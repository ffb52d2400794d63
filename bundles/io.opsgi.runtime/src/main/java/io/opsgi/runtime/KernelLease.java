package io.opsgi.runtime;

import io.opsgi.op.Kernel;

/**
 * The kernel one call runs on. While a lease is open, the registry will not let the kernel's
 * service go away under it: an uninstall waits for open leases (bounded) before the kernel is
 * deactivated. Close it when the call is done, ideally with try-with-resources.
 */
public interface KernelLease<K extends Kernel> extends AutoCloseable {
    K kernel();

    KernelDescriptor descriptor();

    @Override
    void close();
}
