package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Marker of every kernel service. A kernel is registered under its family interface (e.g.
 * {@link Conv2dKernel}) and under this one, with the service properties of {@link KernelInfo}
 * ({@code opsgi.op}, {@code opsgi.variant}) and a {@code service.ranking}.
 *
 * <p>Kernels are called by the contract classes, which have already validated every input and
 * allocated the output; a kernel only computes. It must not write its inputs and must be safe to
 * call from several threads at once.
 */
@ConsumerType
public interface Kernel {
}
