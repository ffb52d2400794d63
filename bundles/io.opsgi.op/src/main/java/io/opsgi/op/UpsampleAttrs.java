package io.opsgi.op;

import java.util.Objects;

/**
 * Attributes of upsample, as {@code nn.Upsample}: exactly one of an output {@code size} and a
 * {@code scaleFactor}; the mode; {@code alignCorners} (null when not given: it may only be given for
 * bilinear and bicubic, where null means false); and {@code recomputeScaleFactor}, which turns a scale factor into
 * an output size and then forgets it (the source indices then use in/out, as with an explicit size).
 */
public record UpsampleAttrs(HW size, ScaleFactor scaleFactor, UpsampleMode mode, Boolean alignCorners, boolean recomputeScaleFactor) {
    static final String OP = Upsample.OP;

    /** A scale factor per spatial dimension, as PyTorch's floats (doubles). */
    public record ScaleFactor(double h, double w) {
        @Override
        public String toString() {
            return "[" + h + ", " + w + "]";
        }
    }

    public UpsampleAttrs {
        Objects.requireNonNull(mode, "mode");
        // The checks of F.interpolate 1.13, in its order.
        OpException.check(size == null || scaleFactor == null, OP, "size_or_scale_factor",
                "only one of size or scale_factor should be defined, got size=" + size + ", scale_factor=" + scaleFactor);
        OpException.check(size != null || scaleFactor != null, OP, "size_or_scale_factor", "either size or scale_factor should be defined, got neither");
        OpException.check(!recomputeScaleFactor || size == null, OP, "recompute_with_size",
                "recompute_scale_factor is not meaningful with an explicit size, got size=" + size);
        OpException.check(mode != UpsampleMode.NEAREST || alignCorners == null, OP, "align_corners_mode",
                "align_corners can only be set with the interpolating modes (bilinear, bicubic), got mode='nearest', align_corners=" + alignCorners);
    }

    /** nearest with one integer scale factor for both dimensions, e.g. 2. */
    public static UpsampleAttrs nearest(double scale) {
        return new UpsampleAttrs(null, new ScaleFactor(scale, scale), UpsampleMode.NEAREST, null, false);
    }

    /** bilinear with one scale factor for both dimensions. */
    public static UpsampleAttrs bilinear(double scale, boolean alignCorners) {
        return new UpsampleAttrs(null, new ScaleFactor(scale, scale), UpsampleMode.BILINEAR, alignCorners, false);
    }

    /** bicubic with one scale factor for both dimensions. */
    public static UpsampleAttrs bicubic(double scale, boolean alignCorners) {
        return new UpsampleAttrs(null, new ScaleFactor(scale, scale), UpsampleMode.BICUBIC, alignCorners, false);
    }

    /** {@code mode} to an explicit output size; for bilinear and bicubic, alignCorners false. */
    public static UpsampleAttrs toSize(UpsampleMode mode, int h, int w) {
        return new UpsampleAttrs(HW.of(h, w), null, mode, mode.interpolates() ? Boolean.FALSE : null, false);
    }

    public UpsampleAttrs withAlignCorners(Boolean a) {
        return new UpsampleAttrs(size, scaleFactor, mode, a, recomputeScaleFactor);
    }

    public UpsampleAttrs withRecomputeScaleFactor(boolean r) {
        return new UpsampleAttrs(size, scaleFactor, mode, alignCorners, r);
    }

    /** align_corners as the kernel uses it: null (not given) is false. */
    public boolean alignCornersOrFalse() {
        return Boolean.TRUE.equals(alignCorners);
    }
}
