package io.opsgi.op;

import io.opsgi.op.UpsampleAttrs.ScaleFactor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The upsample contract: {@code nn.Upsample} (= {@code F.interpolate}) in nearest, bilinear and bicubic mode
 * on a 4-D (N, C, H, W) input, PyTorch 1.13's output sizes, source positions and validation. (A 3-D
 * input is not an unbatched image to PyTorch but (N, C, L) for a 1-D upsample; it is refused here.)
 */
public final class Upsample {
    public static final String OP = "upsample";

    private Upsample() {
    }

    /** The output shape, with no kernel: what {@link #apply} would return, or the error it would raise. */
    public static Shape outputShape(Shape input, UpsampleAttrs a) {
        return geometry(input, a).outputShape();
    }

    /** Validates and runs {@code kernel}. The input is never written. */
    public static Tensor apply(UpsampleKernel kernel, Tensor input, UpsampleAttrs a) {
        UpsampleGeometry g = geometry(input.shape(), a);
        float[] y = new float[g.outputShape().size()];
        if (y.length > 0) {
            kernel.upsample(g, input.buffer(), y);
        }
        return Tensor.wrap(g.outputShape(), y);
    }

    /** The geometry PyTorch 1.13 computes for {@code input} (ATen's upsample meta functions and UpSample.h). */
    public static UpsampleGeometry geometry(Shape xs, UpsampleAttrs a) {
        OpException.check(xs.rank() == 4, OP, "input_rank", "expected a 4-D input (N, C, H, W), got input of size " + xs);
        int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
        // torch: "Non-empty 4D data tensor expected but got a tensor with sizes [1, 0, 5, 5]", and for H or W = 0
        // "Input and output sizes should be greater than 0"; an empty batch is fine.
        OpException.check(c > 0 && h > 0 && w > 0, OP, "empty_input",
                "expected non-zero channel and spatial sizes (optional 0 batch), got input of size " + xs);
        ScaleFactor s = a.scaleFactor();
        int oh = a.size() != null ? a.size().h() : OutputSize.scaled(h, s.h());
        int ow = a.size() != null ? a.size().w() : OutputSize.scaled(w, s.w());
        OpException.check(oh > 0 && ow > 0, OP, "output_size_too_small", "input and output sizes should be greater than 0, got input (H: "
                + h + ", W: " + w + ") output (H: " + oh + ", W: " + ow + ")");
        Shapes.output(OP, n, c, oh, ow);
        // With recompute_scale_factor (or an explicit size) the kernels see no scale and use in/out.
        Double sh = a.size() == null && !a.recomputeScaleFactor() ? s.h() : null;
        Double sw = a.size() == null && !a.recomputeScaleFactor() ? s.w() : null;
        boolean align = a.mode().interpolates() && a.alignCornersOrFalse();
        float rh = a.mode() == UpsampleMode.NEAREST ? scalesValue(sh, h, oh) : areaPixelScale(h, oh, align, sh);
        float rw = a.mode() == UpsampleMode.NEAREST ? scalesValue(sw, w, ow) : areaPixelScale(w, ow, align, sw);
        // An NCHW-contiguous tensor is also channels-last contiguous when C = 1 or H = W = 1 (see UpsampleGeometry).
        boolean channelsLast = c == 1 || (h == 1 && w == 1);
        return new UpsampleGeometry(n, c, h, w, oh, ow, a.mode(), align, rh, rw, channelsLast);
    }

    /** compute_scales_value&lt;float&gt;: a given positive scale as {@code float(1.0 / scale)}, else {@code float(in) / out}. */
    private static float scalesValue(Double scale, int in, int out) {
        return scale != null && scale > 0 ? (float) (1.0 / scale) : (float) in / (float) out;
    }

    /** area_pixel_compute_scale&lt;float&gt;: with align_corners {@code (in − 1)/(out − 1)} (0 for out = 1), else the scales value. */
    private static float areaPixelScale(int in, int out, boolean alignCorners, Double scale) {
        if (alignCorners) {
            return out > 1 ? (float) (in - 1) / (float) (out - 1) : 0f;
        }
        return scalesValue(scale, in, out);
    }

    /**
     * Attributes from PyTorch's terms: {@code size} (int or [h, w]), {@code scale_factor} (number or
     * [h, w]), {@code mode} ('nearest', 'bilinear' or 'bicubic'), {@code align_corners} (bool or null),
     * {@code recompute_scale_factor} (bool or null).
     */
    public static UpsampleAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        HW size = null;
        if (t.has("size")) {
            double[] v = numbers("size", t.raw("size"));
            OpException.check(v[0] == Math.rint(v[0]) && v[1] == Math.rint(v[1]) && Math.abs(v[0]) < 1e9 && Math.abs(v[1]) < 1e9, OP,
                    "attribute_type", "size must be an int or a list of two ints, got size=" + t.raw("size"));
            size = HW.of((int) v[0], (int) v[1]);
        }
        ScaleFactor scale = null;
        if (t.has("scale_factor")) {
            double[] v = numbers("scale_factor", t.raw("scale_factor"));
            scale = new ScaleFactor(v[0], v[1]);
        }
        String mode = t.string("mode", "nearest");
        UpsampleMode m = Arrays.stream(UpsampleMode.values()).filter(v -> v.torch().equals(mode)).findFirst().orElse(null);
        OpException.check(m != null, OP, "upsample_mode", "mode must be 'nearest', 'bilinear' or 'bicubic', got mode='" + mode + "'");
        Boolean align = t.has("align_corners") ? t.bool("align_corners", false) : null;
        return new UpsampleAttrs(size, scale, m, align, t.bool("recompute_scale_factor", false));
    }

    /** One number for both dimensions, or a list of exactly two (PyTorch refuses other lengths for a 2-D upsample). */
    private static double[] numbers(String key, Object v) {
        if (v instanceof Number x) {
            return new double[] {x.doubleValue(), x.doubleValue()};
        }
        if (v instanceof List<?> l) {
            OpException.check(l.size() == 2, OP, "pair_length", key + " must have 2 elements for the 2 spatial dimensions, got " + key + "=" + l);
            if (l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
                return new double[] {a.doubleValue(), b.doubleValue()};
            }
        }
        throw new OpException(OP, "attribute_type", key + " must be a number or a list of two numbers, got " + key + "=" + v);
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, UpsampleKernel.class, List.of("input"), (kernel, attrs, in) ->
            Map.of("output", apply((UpsampleKernel) kernel, Operators.required(OP, in, "input"), attrs(attrs))));

    /**
     * Nearest is a copy (bit-exact); bilinear is {@link ToleranceClass#INTERPOLATION}, bicubic {@link ToleranceClass#CUBIC_INTERPOLATION}.
     * Nearest reads one input per axis, bilinear two, bicubic four; neighbouring outputs are in/out
     * inputs apart.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input(), attrs(n.attrs())))
            .withTolerance(ToleranceClass.BIT_EXACT, "bilinear: size-scaled; bicubic: size-scaled, cubic",
                    (n, out) -> attrs(n.attrs()).mode() == UpsampleMode.BICUBIC ? ToleranceClass.CUBIC_INTERPOLATION
                            : attrs(n.attrs()).mode().interpolates() ? ToleranceClass.INTERPOLATION : ToleranceClass.BIT_EXACT)
            .withField((n, in, out) -> {
                int taps = attrs(n.attrs()).mode().taps();
                Shape x = n.input();
                return in.get(0).window(taps, taps, (double) x.dim(2) / out.dim(2), (double) x.dim(3) / out.dim(3));
            });
}
