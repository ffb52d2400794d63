/**
 * ONNX models as opsgi networks. {@link io.opsgi.onnx.OnnxModel#read} reads a {@code .onnx} file,
 * folds the shape arithmetic PyTorch's exporter writes into constants, and translates the graph onto
 * the network model of {@code io.opsgi.net} ({@link io.opsgi.onnx.OnnxModel#description}): planning,
 * summary, tolerance and running are the ones JSON networks use. Everything the importer cannot run
 * is refused at once, one line per problem ({@link io.opsgi.onnx.OnnxException}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.opsgi.onnx;
