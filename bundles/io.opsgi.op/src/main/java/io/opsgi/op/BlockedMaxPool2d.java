package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * max_pool2d's values on {@link ChannelBlocks}, so that a network plan keeps the channel-blocked layout across a pool
 * between two convs (SqueezeNet's three pools, ResNet's stem pool) instead of converting to NCHW and back around it
 * (ONNX Runtime's NCHWc pooling). Made by {@link MaxPool2dKernel#blocked} for one geometry; it belongs to that kernel,
 * runs many times, from several threads at once. The values are the kernel's {@code maxPool2d} values, bit for bit
 * (PyTorch's rule: strict {@code >} in the window's row-major order, NaN propagating, -inf padding).
 */
@ConsumerType
public interface BlockedMaxPool2d {
    /** The kernel that made this object. */
    MaxPool2dKernel kernel();

    PoolGeometry geometry();

    /** Who defines the layout ({@link PreparedBlockedConv2d#layoutOwner()}): {@code ChannelBlocks.class} for the shared one. */
    Object layoutOwner();

    /** Floats per channel block of the layouts it reads and writes. */
    int lanes();

    /**
     * The pool of {@code x} into {@code y}, both in layouts of {@link #lanes()} lanes (any zero columns: the pool reads
     * only the input's columns {@code [left, left + w)} and writes every float of the output the layout defines, its zero
     * columns included). The lanes past the channels of x are unspecified and must not reach a real channel.
     *
     * @param x never written
     * @param y not {@code x}
     */
    void run(float[] x, ChannelBlocks xLayout, @Output float[] y, ChannelBlocks yLayout);
}
