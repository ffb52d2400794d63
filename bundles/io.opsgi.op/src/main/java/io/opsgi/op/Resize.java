package io.opsgi.op;

import io.opsgi.op.ResizeAttrs.CoordinateTransformation;
import io.opsgi.op.ResizeAttrs.Mode;
import io.opsgi.op.ResizeAttrs.NearestMode;
import io.opsgi.op.ResizeAttrs.Roi;
import io.opsgi.op.ResizeAttrs.Scales;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The resize contract: ONNX Resize (opsets 10 to 17) on a 4-D (N, C, H, W) input, nearest, linear
 * (bilinear on H and W) or cubic (bicubic on H and W, with cubic_coeff_a and exclude_outside), the
 * coordinate transformation modes PyTorch's exporter writes and tf_crop_and_resize, and exactly
 * one of scales or sizes. Source positions and weights: {@link ResizeGeometry}.
 */
public final class Resize {
    public static final String OP = "resize";

    private Resize() {
    }

    /** The output shape, with no kernel: what {@link #apply} would return, or the error it would raise. */
    public static Shape outputShape(Shape input, ResizeAttrs a) {
        return geometry(input, a).outputShape();
    }

    /** Validates and runs {@code kernel}. The input is never written. */
    public static Tensor apply(ResizeKernel kernel, Tensor input, ResizeAttrs a) {
        ResizeGeometry g = geometry(input.shape(), a);
        float[] y = new float[g.outputShape().size()];
        if (y.length > 0) {
            kernel.resize(g, input.buffer(), y);
            g.extrapolate(y);
        }
        return Tensor.wrap(g.outputShape(), y);
    }

    /**
     * The geometry of {@code input}: with scales the output is {@code floor(in * scale)} (ONNX's
     * {@code output_dimension = floor(input_dimension * scale)}, the scale a float32 as ONNX stores it,
     * multiplied in double as the ONNX reference implementation does) and the coordinates use that
     * scale; with sizes they use {@code out / in}.
     */
    public static ResizeGeometry geometry(Shape xs, ResizeAttrs a) {
        OpException.check(xs.rank() == 4, OP, "input_rank", "expected a 4-D input (N, C, H, W), got input of size " + xs);
        int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
        OpException.check(c > 0 && h > 0 && w > 0, OP, "empty_input",
                "expected non-zero channel and spatial sizes (optional 0 batch), got input of size " + xs);
        long oh, ow;
        double sh, sw;
        if (a.sizes() != null) {
            oh = a.sizes().h();
            ow = a.sizes().w();
            sh = (double) oh / h;
            sw = (double) ow / w;
        } else {
            sh = (float) a.scales().h();
            sw = (float) a.scales().w();
            oh = (long) Math.floor(h * sh);
            ow = (long) Math.floor(w * sw);
        }
        OpException.check(oh > 0 && ow > 0, OP, "output_size_too_small", "output size must be positive, got input (H: " + h + ", W: " + w
                + ") and scales " + a.scales() + " giving output (H: " + oh + ", W: " + ow + ")");
        Shapes.output(OP, n, c, oh, ow);
        return new ResizeGeometry(n, c, h, w, (int) oh, (int) ow, a.mode(), a.transformation(), a.nearestMode(), sh, sw, a.cubicCoeffA(),
                a.excludeOutside(), a.roi(), a.extrapolationValue());
    }

    /**
     * Attributes in ONNX's names: {@code mode}, {@code coordinate_transformation_mode},
     * {@code nearest_mode}, and one of {@code scales} ({@code [sh, sw]}) or {@code sizes}
     * ({@code [oh, ow]}); for cubic {@code cubic_coeff_a} (default −0.75) and {@code exclude_outside}
     * (0 or 1, default 0), which the other modes ignore, as ONNX does; for tf_crop_and_resize {@code roi}
     * ({@code [start_h, start_w, end_h, end_w]}, ONNX's roi of the two spatial axes, default the whole input) and
     * {@code extrapolation_value} (default 0), which the other modes ignore.
     */
    public static ResizeAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        String mode = t.string("mode", "nearest");
        Mode m = Arrays.stream(Mode.values()).filter(v -> v.onnxName().equals(mode)).findFirst()
                .orElseThrow(() -> new OpException(OP, "resize_mode", "mode must be nearest, linear or cubic, got mode='" + mode + "'"));
        String ct = t.string("coordinate_transformation_mode", "half_pixel");
        CoordinateTransformation transformation = Arrays.stream(CoordinateTransformation.values()).filter(v -> v.onnxName().equals(ct))
                .findFirst().orElseThrow(() -> new OpException(OP, "coordinate_transformation_mode", "coordinate_transformation_mode must be one of "
                        + "half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn, tf_crop_and_resize, got '" + ct + "'"));
        String nm = t.string("nearest_mode", "round_prefer_floor");
        NearestMode nearest = Arrays.stream(NearestMode.values()).filter(v -> v.onnxName().equals(nm)).findFirst()
                .orElseThrow(() -> new OpException(OP, "nearest_mode", "nearest_mode must be one of round_prefer_floor, round_prefer_ceil, floor, "
                        + "ceil, got '" + nm + "'"));
        Scales scales = null;
        if (t.has("scales")) {
            Object v = t.raw("scales");
            OpException.check(v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number && l.get(1) instanceof Number, OP, "pair_length",
                    "scales must be two numbers [sh, sw] for H and W, got scales=" + v);
            List<?> l = (List<?>) v;
            scales = new Scales(((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue());
        }
        HW sizes = null;
        if (t.has("sizes")) {
            int[] s = t.ints("sizes");
            OpException.check(s.length == 2, OP, "pair_length", "sizes must be two ints [oh, ow], got sizes=" + Arrays.toString(s));
            sizes = HW.of(s[0], s[1]);
        }
        Roi roi = Roi.WHOLE;
        if (t.has("roi")) {
            Object v = t.raw("roi");
            OpException.check(v instanceof List<?> l && l.size() == 4 && l.stream().allMatch(Number.class::isInstance), OP, "roi_length",
                    "roi must be four numbers [start_h, start_w, end_h, end_w], got roi=" + v);
            List<?> l = (List<?>) v;
            roi = new Roi(((Number) l.get(0)).floatValue(), ((Number) l.get(1)).floatValue(), ((Number) l.get(2)).floatValue(),
                    ((Number) l.get(3)).floatValue());
        }
        return new ResizeAttrs(m, transformation, nearest, scales, sizes, t.number("cubic_coeff_a", ResizeAttrs.DEFAULT_CUBIC_COEFF_A),
                t.raw("exclude_outside") instanceof Boolean b ? b : t.integer("exclude_outside", 0) != 0, roi, t.number("extrapolation_value", 0));
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, ResizeKernel.class, List.of("input"), (kernel, attrs, in) ->
            Map.of("output", apply((ResizeKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs))));

    /**
     * Nearest is a copy (bit-exact: the source index comes from the same double arithmetic as ONNX's
     * reference implementation). Linear is {@link ToleranceClass#INTERPOLATION}: the kernel blends in
     * double and rounds once, as the reference does, but ONNX Runtime and PyTorch derive the weights
     * from a float source position, which moves each weight by about S·2^-24 (S the larger input
     * side): the bound that class is derived for. Cubic is the same class: its weights are computed in
     * double from the same double position as the reference's, so only the 16-term blend's roundings
     * remain. Nearest reads one input per axis, linear two, cubic four.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())))
            .withTolerance(ToleranceClass.BIT_EXACT, "linear, cubic: size-scaled",
                    (n, out) -> attrs(n.attrs()).mode() != Mode.NEAREST ? ToleranceClass.INTERPOLATION : ToleranceClass.BIT_EXACT)
            .withField((n, in, out) -> {
                Mode mode = attrs(n.attrs()).mode();
                int taps = mode == Mode.CUBIC ? 4 : mode == Mode.LINEAR ? 2 : 1;
                Shape x = n.input();
                return in.get(0).window(taps, taps, (double) x.dim(2) / out.dim(2), (double) x.dim(3) / out.dim(3));
            })
            .withOnnxNote("ONNX Resize is this op: PyTorch's F.interpolate is the upsample op; nearest/asymmetric/floor equals its "
                    + "nearest for whole ratios only (PyTorch multiplies by a float reciprocal: W=7, scale 0.6 reads column 5 for output "
                    + "3 where ONNX's 3/0.6 reads 4), linear/pytorch_half_pixel its bilinear with align_corners=False, linear/align_corners "
                    + "with align_corners=True (within the interpolation tolerance), except that pytorch_half_pixel reads element 0 "
                    + "for an output of length 1 where PyTorch's bilinear reads the centre in/2 - 0.5")
            .withOnnxNote("ONNX's default coordinate_transformation_mode is half_pixel and nearest_mode round_prefer_floor; PyTorch's nearest "
                    + "is asymmetric + floor")
            .withOnnxNote("scales: output floor(in * scale) with the scale as float32; sizes: coordinates use out/in; roi is read "
                    + "by tf_crop_and_resize only")
            .withOnnxNote("cubic: cubic_coeff_a (default -0.75) and exclude_outside as onnx 1.12's reference; with A = -0.75 and "
                    + "exclude_outside 0, cubic/pytorch_half_pixel is PyTorch's bicubic with align_corners=False (output lengths above 1) "
                    + "and cubic/align_corners its align_corners=True, within the interpolation tolerance (PyTorch weights in float)")
            .withOnnxNote("tf_crop_and_resize: the roi of H and W with its corners on the first and last outputs, extrapolation_value "
                    + "where the source lies outside the input, as onnx 1.12's reference; only with sizes (ONNX's spec sizes the output by "
                    + "floor(in * (end - start) * scale), its reference by floor(in * scale))")
            .withOnnxNote("refused: scales on N or C; inputs other than 4-D")
            .withOnnxNote("source coordinates are computed in double, as ONNX's reference implementation computes them; ONNX Runtime "
                    + "1.29 computes them in float, so where a coordinate lies within a float rounding of an integer or a .5 tie ORT may read "
                    + "the neighbouring element (nearest, e.g. W=7 by scale 0.6: 3/0.6 is 4.9999998, 5.0 in float)")
            .withOnnxNote("align_corners divides by the output length - 1 (the spec's length_resized, as ONNX Runtime 1.29 does); onnx "
                    + "1.12's reference implementation divides by in*scale - 1, so its documented example "
                    + "resize_downsample_scales_linear_align_corners prints 3.142857 where ORT and opsgi give 4")
            .withOnnxNote("linear with an infinite or NaN neighbour of weight 0 gives NaN (0 * inf), as a weighted sum does");
}
