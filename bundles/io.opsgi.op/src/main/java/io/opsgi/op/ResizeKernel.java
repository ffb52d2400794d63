package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes resize (ONNX Resize, nearest, linear or cubic on H and W) for a validated geometry. */
@ConsumerType
public interface ResizeKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW: x is (n, c, h, w), y is (n, c, oh, ow).
     * The source elements and weights come from {@code g} ({@link ResizeGeometry#nearestRows},
     * {@link ResizeGeometry#linearRows}, {@link ResizeGeometry#cubicRows}, ...).
     */
    void resize(ResizeGeometry g, float[] x, @Output float[] y);
}
