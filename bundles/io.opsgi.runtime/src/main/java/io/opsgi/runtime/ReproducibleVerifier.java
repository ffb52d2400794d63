package io.opsgi.runtime;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link KernelVerifier} whose passes the runtime may remember across restarts (when the framework or registry
 * property {@code opsgi.verdicts} names a folder), so a container started again on the same code serves at once
 * instead of verifying every kernel again. A remembered pass is used only for the same kernel under the same
 * judge on the same machine: the runtime keys it by this digest, by the bytes of the kernel's bundle, of the
 * verifier's and of every bundle either is wired to, by the reference kernels' bundles, the seed, the JVM and the CPU.
 * Failures are never remembered, and a re-verification asked for by a user always runs.
 */
@ConsumerType
public interface ReproducibleVerifier extends KernelVerifier {
    /**
     * A digest of everything else a verdict depends on (for the conformance kit: the reference vectors and the
     * checks configured); it changes whenever a verdict could.
     */
    String suiteDigest();
}
