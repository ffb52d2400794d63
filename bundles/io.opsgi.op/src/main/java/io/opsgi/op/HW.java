package io.opsgi.op;

/** A (height, width) pair: kernel size, stride, padding or dilation of a 2-D operator. */
public record HW(int h, int w) {
    public static HW of(int both) {
        return new HW(both, both);
    }

    public static HW of(int h, int w) {
        return new HW(h, w);
    }

    boolean anyBelow(int bound) {
        return h < bound || w < bound;
    }

    /** PyTorch prints pairs as lists, {@code [2, 2]}. */
    @Override
    public String toString() {
        return "[" + h + ", " + w + "]";
    }
}
