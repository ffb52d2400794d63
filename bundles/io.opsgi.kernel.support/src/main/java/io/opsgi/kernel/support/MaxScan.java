package io.opsgi.kernel.support;

/**
 * PyTorch's max rule over one window of one (n, c) plane, shared by max_pool2d and
 * adaptive_max_pool2d (ATen MaxPoolKernel.cpp / AdaptiveMaxPoolKernel.cpp): start from -inf with
 * the index of the first valid element, replace on strict {@code >} (so ties keep the first
 * element in row-major order) or on NaN (so NaN propagates and the last NaN's index wins).
 */
public final class MaxScan {
    private MaxScan() {
    }

    /**
     * Scans rows {@code h0, h0+dh, ... < h1} and columns {@code w0, w0+dw, ... < w1} of the plane
     * starting at {@code x[plane]} (row width {@code width}) and writes the maximum to {@code y[out]}
     * and, when {@code indices} is not null, its flat offset {@code h*width + w} to {@code indices[out]}.
     * A window with no element gives -inf and the offset {@code h0*width + w0}, as ATen does.
     */
    public static void scan(float[] x, int plane, int width, int h0, int h1, int dh, int w0, int w1, int dw,
            float[] y, long[] indices, int out) {
        float maxVal = Float.NEGATIVE_INFINITY;
        long maxIdx = (long) h0 * width + w0;
        for (int h = h0; h < h1; h += dh) {
            for (int w = w0; w < w1; w += dw) {
                float v = x[plane + h * width + w];
                if (v > maxVal || Float.isNaN(v)) {
                    maxVal = v;
                    maxIdx = (long) h * width + w;
                }
            }
        }
        y[out] = maxVal;
        if (indices != null) {
            indices[out] = maxIdx;
        }
    }
}
