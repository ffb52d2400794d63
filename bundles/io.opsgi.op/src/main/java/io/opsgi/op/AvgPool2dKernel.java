package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Computes avg_pool2d with PyTorch's divisor rules: with count_include_pad a window is clipped at the
 * end of the padding, {@code H + padHEnd} and {@code W + padWEnd} (in ONNX's four-sided form too, as
 * ONNX Runtime computes it).
 */
@ConsumerType
public interface AvgPool2dKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW for the batched geometry.
     *
     * @param a count_include_pad and divisor_override; the window itself is in {@code g}
     */
    void avgPool2d(PoolGeometry g, AvgPool2dAttrs a, float[] x, @Output float[] y);
}
