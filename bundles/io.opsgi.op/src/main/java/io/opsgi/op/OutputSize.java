package io.opsgi.op;

/**
 * The output-size formulas of conv2d, conv_transpose2d, every pool and upsample, in one place. Pure integer
 * arithmetic, usable with no kernel installed. Results may be below 1: the contracts turn that into
 * their {@code output_size_too_small} error.
 */
public final class OutputSize {
    private OutputSize() {
    }

    /**
     * Sliding windows, as ATen's {@code pooling_output_shape_pad_lr}:
     * {@code O = floor((I + padBegin + padEnd - D(K-1) - 1 [+ S-1 if ceil]) / S) + 1}, and with
     * ceil_mode the last window must start inside the input or the left padding, else it is dropped.
     * ONNX Runtime 1.29 computes the same for the four-sided (ONNX) form of the pools
     * (pool_attributes.h ComputeOutputSize, with its "last pooling starts inside the image" rule; run
     * against ORT's Java API on asymmetric pads, ceil_mode and dilation: MaxPool, AveragePool and LpPool).
     */
    public static int window(int in, int kernel, int stride, int padBegin, int padEnd, int dilation, boolean ceilMode) {
        long numerator = (long) in + padBegin + padEnd - (long) dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long out = Math.floorDiv(numerator, stride) + 1;
        if (ceilMode && (out - 1) * stride >= (long) in + padBegin) {
            out--;
        }
        return saturate(out);
    }

    /** torch.nn.Conv2d: {@code H_out = floor((H + 2p - d(k-1) - 1)/s) + 1}. */
    public static int conv(int in, int kernel, int stride, int pad, int dilation) {
        return window(in, kernel, stride, pad, pad, dilation, false);
    }

    /** torch.nn.ConvTranspose2d: {@code H_out = (H-1)s - 2p + d(k-1) + output_padding + 1}. */
    public static int transposed(int in, int kernel, int stride, int pad, int dilation, int outputPadding) {
        return saturate((long) (in - 1) * stride - 2L * pad + (long) dilation * (kernel - 1) + outputPadding + 1);
    }

    /** Adaptive pooling window start, ATen's {@code start_index}: {@code floor(i*I/O)}. */
    public static int adaptiveStart(int i, int in, int out) {
        return (int) ((long) i * in / out);
    }

    /** Adaptive pooling window end (exclusive), ATen's {@code end_index}: {@code ceil((i+1)*I/O)}. */
    public static int adaptiveEnd(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }

    /**
     * Padding that keeps {@code ceil(in/stride)} outputs, ONNX's SAME_UPPER/SAME_LOWER (for stride 1
     * also PyTorch's 'same'): the total {@code (O-1)s + d(k-1) + 1 - I} is split in half, the odd
     * element going to the end (upper) or the beginning (lower). Returns {begin, end}.
     */
    public static int[] samePadding(int in, int kernel, int stride, int dilation, boolean extraAtBeginning) {
        long out = ((long) in + stride - 1) / stride;
        long total = Math.max(0, (out - 1) * stride + (long) dilation * (kernel - 1) + 1 - in);
        int small = saturate(total / 2); // saturated pads are refused by the contract's extent check
        int large = saturate(total - total / 2);
        return extraAtBeginning ? new int[] {large, small} : new int[] {small, large};
    }

    /** Upsample by a scale factor, as upsample::compute_output_size: {@code static_cast<int64_t>(double(in) * scale)}, truncating (saturated here). */
    public static int scaled(int in, double scale) {
        double v = in * scale;
        return v >= Integer.MAX_VALUE ? Integer.MAX_VALUE : v <= Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) v;
    }

    private static int saturate(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
