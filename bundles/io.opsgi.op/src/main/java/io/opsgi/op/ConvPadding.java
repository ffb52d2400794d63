package io.opsgi.op;

/**
 * How conv2d pads: explicit per side (PyTorch's symmetric {@code padding=(pH, pW)} or ONNX's
 * asymmetric {@code pads}), PyTorch's {@code 'same'} / {@code 'valid'}, or ONNX's
 * {@code SAME_UPPER} / {@code SAME_LOWER} (any stride).
 */
public record ConvPadding(Kind kind, int top, int left, int bottom, int right) {
    public enum Kind { EXPLICIT, SAME, VALID, SAME_UPPER, SAME_LOWER }

    public static final ConvPadding SAME = new ConvPadding(Kind.SAME, 0, 0, 0, 0);
    public static final ConvPadding VALID = new ConvPadding(Kind.VALID, 0, 0, 0, 0);
    public static final ConvPadding SAME_UPPER = new ConvPadding(Kind.SAME_UPPER, 0, 0, 0, 0);
    public static final ConvPadding SAME_LOWER = new ConvPadding(Kind.SAME_LOWER, 0, 0, 0, 0);

    public static ConvPadding symmetric(int h, int w) {
        return new ConvPadding(Kind.EXPLICIT, h, w, h, w);
    }

    public static ConvPadding of(int both) {
        return symmetric(both, both);
    }

    /** ONNX order is (top, left, bottom, right) for 2-D {@code pads}. */
    public static ConvPadding explicit(int top, int left, int bottom, int right) {
        return new ConvPadding(Kind.EXPLICIT, top, left, bottom, right);
    }

    boolean anyNegative() {
        return top < 0 || left < 0 || bottom < 0 || right < 0;
    }

    /** The four pads (top, left, bottom, right) for a given input and kernel. */
    int[] resolve(int h, int w, int kh, int kw, HW stride, HW dilation) {
        switch (kind) {
            case EXPLICIT:
                return new int[] {top, left, bottom, right};
            case VALID:
                return new int[4];
            default:
                // torch 'same' (stride 1 only) equals SAME_UPPER: the extra element goes bottom/right.
                boolean lower = kind == Kind.SAME_LOWER;
                int[] ph = OutputSize.samePadding(h, kh, stride.h(), dilation.h(), lower);
                int[] pw = OutputSize.samePadding(w, kw, stride.w(), dilation.w(), lower);
                return new int[] {ph[0], pw[0], ph[1], pw[1]};
        }
    }

    @Override
    public String toString() {
        return kind == Kind.EXPLICIT ? "[" + top + ", " + left + ", " + bottom + ", " + right + "]" : kind.name().toLowerCase();
    }
}
