package io.opsgi.kernel.support;

/**
 * Which kernel taps of a convolution land inside a dimension: the taps {@code k} in
 * {@code [0, kernel)} with {@code 0 <= origin + k*dilation < size}, where
 * {@code origin = position*stride - pad}. They form one contiguous range
 * {@code [first, end)}, so loops over it need no per-tap bounds check.
 *
 * <p>conv2d gathers with it (position = output index, size = input size); conv_transpose2d
 * scatters with it (position = input index, size = output size): both read or write
 * {@code position*stride - pad + k*dilation}.
 */
public final class ConvTaps {
    private ConvTaps() {
    }

    /** The first tap inside {@code [0, size)}: {@code ceil(-origin / dilation)} when origin is negative, else 0. */
    public static int first(int origin, int dilation) {
        return origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
    }

    /**
     * One past the last tap inside {@code [0, size)}: {@code floor((size-1-origin)/dilation) + 1},
     * capped at {@code kernel}. May be at or below {@link #first} (no tap lands inside).
     */
    public static int end(int origin, int dilation, int size, int kernel) {
        return Math.min(kernel, Math.floorDiv(size - 1 - origin, dilation) + 1);
    }
}
