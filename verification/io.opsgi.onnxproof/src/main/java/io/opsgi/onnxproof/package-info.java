/** The proof of ONNX import: onnx's node cases in the vectors' format, and kernels pinned per op for their replay. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.opsgi.onnxproof;
