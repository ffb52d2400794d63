/** JMH benchmarks of every kernel variant against ONNX Runtime and PyTorch on the standard workloads (benchmarks/workloads.json). */
package io.opsgi.benchmarks;
