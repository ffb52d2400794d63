/**
 * Networks built from operator services. A {@link io.opsgi.net.NetworkDescription} (a JSON file, or
 * the {@link io.opsgi.net.NetworkBuilder}) names its layers, their attributes in PyTorch's terms and
 * how they connect; {@link io.opsgi.net.Network#plan} checks it and infers every layer's shape from
 * the operator contracts without running a kernel; {@link io.opsgi.net.NetworkSummary} prints it
 * torchinfo-style; {@link io.opsgi.net.NetworkRunner} runs it on whatever kernels are active.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.3.0")
package io.opsgi.net;
