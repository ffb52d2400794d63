package io.opsgi.properties;

/**
 * Output sizes written down here, from PyTorch's documentation, independently of the contract's
 * {@code OutputSize}: sliding windows are counted one by one rather than computed by division, so
 * a shared arithmetic slip cannot hide in both.
 */
public final class Formulas {
    private Formulas() {
    }

    /**
     * Number of windows over an input of {@code in} padded by {@code padBegin}/{@code padEnd}: window o
     * starts at padded position {@code o*s} and spans {@code d(k-1)+1}. Without ceil_mode a window
     * must end inside the padded input. With ceil_mode (torch: {@code ceil(...)+1}) one more, partial,
     * window is allowed past the last full one, but only if it starts inside the input or the left
     * padding (torch.nn.MaxPool2d docs: "sliding windows ... that would start in the right padded
     * region are ignored").
     */
    public static int windows(int in, int k, int s, int padBegin, int padEnd, int d, boolean ceil) {
        int span = d * (k - 1) + 1;
        int padded = in + padBegin + padEnd;
        int lastFullStart = padded - span; // padded coordinates; negative when even the first window does not fit
        int count = 0;
        for (int start = 0; ; start += s) {
            boolean full = start <= lastFullStart;
            boolean partial = ceil && start - s < lastFullStart && start - padBegin < in;
            if (!full && !partial) {
                return count;
            }
            count++;
        }
    }

    /** torch.nn.ConvTranspose2d: the "full" scatter length (in-1)s + d(k-1) + 1, cropped by the padding, plus output_padding. */
    public static int transposed(int in, int k, int s, int pad, int d, int outputPadding) {
        int full = (in - 1) * s + d * (k - 1) + 1;
        return full - 2 * pad + outputPadding;
    }

    /** ONNX SAME_UPPER / SAME_LOWER: ceil(in / s) outputs. */
    public static int sameOutput(int in, int s) {
        return (in + s - 1) / s;
    }

    /** Whether window {@code o} of a pool has at least one tap inside the input (not only padding). */
    public static boolean windowTouchesInput(int o, int in, int k, int s, int pad, int d) {
        for (int i = 0; i < k; i++) {
            int p = o * s - pad + i * d;
            if (p >= 0 && p < in) {
                return true;
            }
        }
        return false;
    }
}
