package io.opsgi.op;

/**
 * Four-sided padding of a 2-D window, in ONNX's {@code pads} order for two spatial axes:
 * {@code [top, left, bottom, right]} (all begins, then all ends).
 */
public record Pads(int top, int left, int bottom, int right) {
    public static Pads of(int top, int left, int bottom, int right) {
        return new Pads(top, left, bottom, right);
    }

    boolean anyNegative() {
        return top < 0 || left < 0 || bottom < 0 || right < 0;
    }

    /** As ONNX writes it, {@code [1, 0, 2, 0]}. */
    @Override
    public String toString() {
        return "[" + top + ", " + left + ", " + bottom + ", " + right + "]";
    }
}
