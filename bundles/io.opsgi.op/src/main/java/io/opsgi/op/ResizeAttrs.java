package io.opsgi.op;

import java.util.Locale;
import java.util.Objects;

/**
 * Attributes of resize, as ONNX Resize (opsets 10 to 17) names them: the mode, how an output
 * coordinate maps to the input, how nearest rounds, and exactly one of {@code scales} (per spatial
 * axis, H then W) or {@code sizes} (the output height and width); for cubic, the coefficient
 * {@code cubicCoeffA} (ONNX's {@code cubic_coeff_a}, default −0.75) and {@code excludeOutside} (taps
 * outside the input get weight 0, the others are renormalized to sum 1); for tf_crop_and_resize, the region
 * {@code roi} of H and W and the {@code extrapolationValue} of outputs whose source lies outside the input.
 */
public record ResizeAttrs(Mode mode, CoordinateTransformation transformation, NearestMode nearestMode, Scales scales, HW sizes, double cubicCoeffA,
        boolean excludeOutside, Roi roi, double extrapolationValue) {
    static final String OP = Resize.OP;

    /** ONNX's default {@code cubic_coeff_a} (PyTorch's and TensorFlow's A; OpenCV's too). */
    public static final double DEFAULT_CUBIC_COEFF_A = -0.75;

    /** ONNX's {@code mode}. */
    public enum Mode {
        NEAREST, LINEAR, CUBIC;

        public String onnxName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** ONNX's {@code coordinate_transformation_mode}. */
    public enum CoordinateTransformation {
        HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NN,
        /** The region {@link ResizeAttrs#roi} resized with its corners on the corner elements; outside the input: the extrapolation value. */
        TF_CROP_AND_RESIZE;

        public String onnxName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** ONNX's {@code nearest_mode}: how a non-integer source coordinate picks its input element. */
    public enum NearestMode {
        ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL;

        public String onnxName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The scales of the two spatial axes (ONNX's float32 {@code scales} for H and W). */
    public record Scales(double h, double w) {
        @Override
        public String toString() {
            return "[" + h + ", " + w + "]";
        }
    }

    /**
     * tf_crop_and_resize's region of H and W, normalized (0 the first element, 1 the last), ONNX's {@code roi}
     * [start1, ..., startN, end1, ..., endN] for the two spatial axes; float32 values, as ONNX stores them. A start
     * above its end flips the axis.
     */
    public record Roi(float startH, float startW, float endH, float endW) {
        /** The whole input: what every other coordinate transformation reads. */
        public static final Roi WHOLE = new Roi(0, 0, 1, 1);

        @Override
        public String toString() {
            return "[" + startH + ", " + startW + ", " + endH + ", " + endW + "]";
        }
    }

    public ResizeAttrs {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(transformation, "transformation");
        Objects.requireNonNull(nearestMode, "nearestMode");
        OpException.check((scales == null) != (sizes == null), OP, "scales_or_sizes",
                "exactly one of scales and sizes must be given, got scales=" + scales + ", sizes=" + sizes);
        OpException.check(scales == null || scales.h() > 0 && scales.w() > 0 && Double.isFinite(scales.h()) && Double.isFinite(scales.w()), OP,
                "scales_positive", "scales must be positive and finite, got scales=" + scales);
        OpException.check(sizes == null || !sizes.anyBelow(1), OP, "output_size_too_small", "sizes must be positive, got sizes=" + sizes);
        Objects.requireNonNull(roi, "roi");
        OpException.check(Float.isFinite(roi.startH()) && Float.isFinite(roi.startW()) && Float.isFinite(roi.endH()) && Float.isFinite(roi.endW()), OP,
                "roi_finite", "roi must be finite, got roi=" + roi);
        // ONNX sizes a tf_crop_and_resize output by the roi (floor(in * (end - start) * scale)); onnx 1.12's reference
        // implementation by floor(in * scale), and it maps coordinates with the unrounded in * scale: sizes say it once
        OpException.check(transformation != CoordinateTransformation.TF_CROP_AND_RESIZE || sizes != null, OP, "tf_crop_and_resize_sizes",
                "coordinate_transformation_mode tf_crop_and_resize needs sizes (ONNX's spec and its reference implementation size the output "
                        + "differently from scales), got scales=" + scales);
    }

    /** Without tf_crop_and_resize's roi and extrapolation value: the whole input, 0. */
    public ResizeAttrs(Mode mode, CoordinateTransformation transformation, NearestMode nearestMode, Scales scales, HW sizes, double cubicCoeffA,
            boolean excludeOutside) {
        this(mode, transformation, nearestMode, scales, sizes, cubicCoeffA, excludeOutside, Roi.WHOLE, 0);
    }

    /** Without the cubic attributes: ONNX's defaults (cubic_coeff_a −0.75, exclude_outside 0). */
    public ResizeAttrs(Mode mode, CoordinateTransformation transformation, NearestMode nearestMode, Scales scales, HW sizes) {
        this(mode, transformation, nearestMode, scales, sizes, DEFAULT_CUBIC_COEFF_A, false);
    }

    /** {@code mode} by scales, ONNX's defaults otherwise (half_pixel, round_prefer_floor). */
    public static ResizeAttrs scaled(Mode mode, double h, double w) {
        return new ResizeAttrs(mode, CoordinateTransformation.HALF_PIXEL, NearestMode.ROUND_PREFER_FLOOR, new Scales(h, w), null);
    }

    /** {@code mode} to an output size, ONNX's defaults otherwise (half_pixel, round_prefer_floor). */
    public static ResizeAttrs sized(Mode mode, int h, int w) {
        return new ResizeAttrs(mode, CoordinateTransformation.HALF_PIXEL, NearestMode.ROUND_PREFER_FLOOR, null, HW.of(h, w));
    }

    public ResizeAttrs with(CoordinateTransformation t) {
        return new ResizeAttrs(mode, t, nearestMode, scales, sizes, cubicCoeffA, excludeOutside, roi, extrapolationValue);
    }

    public ResizeAttrs with(NearestMode n) {
        return new ResizeAttrs(mode, transformation, n, scales, sizes, cubicCoeffA, excludeOutside, roi, extrapolationValue);
    }

    /** With cubic's coefficient A and exclude_outside. */
    public ResizeAttrs withCubic(double a, boolean exclude) {
        return new ResizeAttrs(mode, transformation, nearestMode, scales, sizes, a, exclude, roi, extrapolationValue);
    }

    /** tf_crop_and_resize of the region {@code r}, {@code extrapolation} where the source lies outside the input. */
    public ResizeAttrs withCrop(Roi r, double extrapolation) {
        return new ResizeAttrs(mode, CoordinateTransformation.TF_CROP_AND_RESIZE, nearestMode, scales, sizes, cubicCoeffA, excludeOutside, r, extrapolation);
    }
}
