package io.opsgi.op;

import java.util.Locale;

/**
 * The receptive field after a layer, per axis: how many input pixels one output pixel sees
 * ({@code rf}) and how far apart, in input pixels, two neighbouring outputs are ({@code jump}, the
 * product of the strides so far; below 1 after upsampling). After a layer that folds the spatial
 * axes away (flatten, global pooling to a vector) the field stays as it was and {@code spatial} is false.
 *
 * <p>A window of size k (dilation d: effective size {@code d(k-1)+1}) and stride s:
 * {@code rf' = rf + (k_eff - 1)·jump}, {@code jump' = jump·s}.
 */
public record ReceptiveField(double rfH, double rfW, double jumpH, double jumpW, boolean spatial) {
    /** The network input: every pixel sees itself. */
    public static final ReceptiveField INPUT = new ReceptiveField(1, 1, 1, 1, true);

    public ReceptiveField window(double kh, double kw, double strideH, double strideW) {
        if (!spatial) {
            return this;
        }
        return new ReceptiveField(rfH + (kh - 1) * jumpH, rfW + (kw - 1) * jumpW, jumpH * strideH, jumpW * strideW, true);
    }

    /** The spatial axes are folded into features: the field covers what it covered, plus the folded extent. */
    public ReceptiveField fold(int h, int w) {
        if (!spatial) {
            return this;
        }
        return new ReceptiveField(rfH + (h - 1) * jumpH, rfW + (w - 1) * jumpW, jumpH, jumpW, false);
    }

    /** Two branches meeting (a residual add): each output sees what either branch saw. */
    public ReceptiveField merge(ReceptiveField o) {
        return new ReceptiveField(Math.max(rfH, o.rfH), Math.max(rfW, o.rfW), Math.max(jumpH, o.jumpH), Math.max(jumpW, o.jumpW), spatial && o.spatial);
    }

    /** e.g. {@code 7}, {@code 7x5}. */
    public String describeRf() {
        return pair(rfH, rfW);
    }

    /** e.g. {@code 4}, {@code 0.5}, {@code 2x1}; {@code -} once the spatial axes are folded away. */
    public String describeJump() {
        return spatial ? pair(jumpH, jumpW) : "-";
    }

    private static String pair(double h, double w) {
        return h == w ? number(h) : number(h) + "x" + number(w);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
