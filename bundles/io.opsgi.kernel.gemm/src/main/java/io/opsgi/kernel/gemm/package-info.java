/**
 * Single-precision matrix multiply for the GEMM-based kernels (conv2d by im2col, conv_transpose2d
 * by col2im): {@link io.opsgi.kernel.gemm.Sgemm}. A util package: no components.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.opsgi.kernel.gemm;
