package io.opsgi.op;

/**
 * Where an activation (n, c, h, w) lives when it is kept channel-blocked between two convolutions
 * instead of NCHW: {@code (n, ceil(c / lanes), h, width, lanes)}, value (n, ch, r, col) at
 * {@code (((n·blocks + ch / lanes)·h + r)·width + left + col)·lanes + ch % lanes}. The columns outside
 * {@code [left, left + w)} are zero, so a convolution reading it needs no test for its horizontal padding;
 * the lanes past c are unspecified (a reader must not let them reach a real channel). Kernels that read and
 * write exactly this layout name {@code ChannelBlocks.class} as their {@link PreparedBlockedConv2d#layoutOwner()}
 * and so exchange values with one another (a depthwise conv between two pointwise ones, as in MobileNet); a kernel
 * with a private variant of it names its own owner. The conversions here are the plain reference ones, used
 * where a plan falls back to NCHW and by tests.
 */
public record ChannelBlocks(int lanes, int left, int width) {
    public ChannelBlocks {
        if (lanes < 1 || left < 0 || width < left) {
            throw new IllegalArgumentException("channel blocks: lanes >= 1 and 0 <= left <= width, not lanes " + lanes + ", left " + left + ", width " + width);
        }
    }

    /** Floats of an activation of {@code n, c, h, w} in this layout (Long.MAX_VALUE-safe: checked by the caller against int). */
    public long size(int n, int c, int h, int w) {
        if (left + (long) w > width) {
            throw new IllegalArgumentException("channel blocks of width " + width + " and left " + left + " do not hold " + w + " columns");
        }
        return (long) n * ((c + lanes - 1) / lanes) * h * width * lanes;
    }

    /** {@code nchw} (n, c, h, w) into {@code blocked} in this layout, the columns outside zero. */
    public void fromNchw(int n, int c, int h, int w, float[] nchw, float[] blocked) {
        int blocks = (c + lanes - 1) / lanes;
        java.util.Arrays.fill(blocked, 0, (int) size(n, c, h, w), 0f);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < h; r++) {
                    int dst = ((((i * blocks + ch / lanes) * h + r) * width) + left) * lanes + ch % lanes, src = ((i * c + ch) * h + r) * w;
                    for (int col = 0; col < w; col++) {
                        blocked[dst + col * lanes] = nchw[src + col];
                    }
                }
            }
        }
    }

    /** {@code blocked} in this layout back to {@code nchw} (n, c, h, w). */
    public void toNchw(int n, int c, int h, int w, float[] blocked, float[] nchw) {
        int blocks = (c + lanes - 1) / lanes;
        size(n, c, h, w);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < h; r++) {
                    int src = ((((i * blocks + ch / lanes) * h + r) * width) + left) * lanes + ch % lanes, dst = ((i * c + ch) * h + r) * w;
                    for (int col = 0; col < w; col++) {
                        nchw[dst + col] = blocked[src + col * lanes];
                    }
                }
            }
        }
    }

    /** e.g. {@code blocked16 (cols 1+w+1)} for the summary. */
    public String describe(int w) {
        return "blocked" + lanes + " (cols " + left + "+w+" + (width - left - w) + ")";
    }
}
