/** JMH benchmarks of every kernel variant against ONNX Runtime and PyTorch on the standard workloads (../shared/perf). */
package io.opsgi.benchmarks;
