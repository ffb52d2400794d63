/**
 * Operator contracts. For each operator family: an immutable attributes type validated when built,
 * a pure shape function ({@link io.opsgi.op.OutputSize} holds the formulas, once), and a kernel
 * interface. The contract classes ({@code Conv2d}, {@code MaxPool2d}, ...) validate inputs, compute
 * the geometry and the output shape, allocate the output and hand the kernel plain arrays.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package io.opsgi.op;
