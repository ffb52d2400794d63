package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes upsample ({@code nn.Upsample}, nearest, bilinear or bicubic) for a validated geometry. */
@ConsumerType
public interface UpsampleKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW: x is (n, c, h, w), y is (n, c, oh, ow).
     * The source positions and weights come from {@code g} ({@link UpsampleGeometry#nearestRow},
     * {@link UpsampleGeometry#linearRows}, {@link UpsampleGeometry#cubicRows}, ...), computed in PyTorch's float arithmetic.
     */
    void upsample(UpsampleGeometry g, float[] x, @Output float[] y);
}
