/** Immutable float32 tensors in NCHW layout, and NumPy {@code .npy} files. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.opsgi.tensor;
