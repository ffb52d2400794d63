package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Computes max_pool2d (PyTorch's -inf padding, strict > with NaN propagation, first index on ties).
 * The same in ONNX's four-sided form: the window starts at {@code o*stride - padH}; the end pads only
 * decide the output size, which the geometry holds.
 */
@ConsumerType
public interface MaxPool2dKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW for the batched geometry.
     *
     * @param indices per output, the flat {@code h*W + w} offset of the maximum within its (n, c) plane, or null when not wanted
     */
    void maxPool2d(PoolGeometry g, float[] x, @Output float[] y, @Output long[] indices);

    /**
     * The values of {@code g} on channel blocks ({@link BlockedMaxPool2d}), for a network plan that keeps them between
     * convs; null (the default) if this kernel has no such entry point for {@code g}.
     */
    default BlockedMaxPool2d blocked(PoolGeometry g) {
        return null;
    }
}
