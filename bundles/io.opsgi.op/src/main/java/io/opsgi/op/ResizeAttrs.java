package io.opsgi.op;

import java.util.Locale;
import java.util.Objects;

/**
 * Attributes of resize, as ONNX Resize (opsets 10 to 17) names them: the mode, how an output
 * coordinate maps to the input, how nearest rounds, and exactly one of {@code scales} (per spatial
 * axis, H then W) or {@code sizes} (the output height and width); for cubic, the coefficient
 * {@code cubicCoeffA} (ONNX's {@code cubic_coeff_a}, default −0.75) and {@code excludeOutside} (taps
 * outside the input get weight 0, the others are renormalized to sum 1).
 */
public record ResizeAttrs(Mode mode, CoordinateTransformation transformation, NearestMode nearestMode, Scales scales, HW sizes, double cubicCoeffA,
        boolean excludeOutside) {
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

    /** ONNX's {@code coordinate_transformation_mode}; tf_crop_and_resize is refused by the contract. */
    public enum CoordinateTransformation {
        HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NN;

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

    public ResizeAttrs {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(transformation, "transformation");
        Objects.requireNonNull(nearestMode, "nearestMode");
        OpException.check((scales == null) != (sizes == null), OP, "scales_or_sizes",
                "exactly one of scales and sizes must be given, got scales=" + scales + ", sizes=" + sizes);
        OpException.check(scales == null || scales.h() > 0 && scales.w() > 0 && Double.isFinite(scales.h()) && Double.isFinite(scales.w()), OP,
                "scales_positive", "scales must be positive and finite, got scales=" + scales);
        OpException.check(sizes == null || !sizes.anyBelow(1), OP, "output_size_too_small", "sizes must be positive, got sizes=" + sizes);
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
        return new ResizeAttrs(mode, t, nearestMode, scales, sizes, cubicCoeffA, excludeOutside);
    }

    public ResizeAttrs with(NearestMode n) {
        return new ResizeAttrs(mode, transformation, n, scales, sizes, cubicCoeffA, excludeOutside);
    }

    /** With cubic's coefficient A and exclude_outside. */
    public ResizeAttrs withCubic(double a, boolean exclude) {
        return new ResizeAttrs(mode, transformation, nearestMode, scales, sizes, a, exclude);
    }
}
