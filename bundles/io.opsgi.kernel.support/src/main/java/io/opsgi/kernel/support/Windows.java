package io.opsgi.kernel.support;

/** Window arithmetic shared by pooling kernels. */
public final class Windows {
    private Windows() {
    }

    /** The first input position of output {@code o}'s window: {@code o*stride - pad}. */
    public static int start(int o, int stride, int pad) {
        return o * stride - pad;
    }

    /**
     * The first position of a dilated window that lies inside the input, stepping from
     * {@code start} by {@code dilation} (ATen max_pool2d: {@code while (ih0 < 0) ih0 += dilationH}).
     */
    public static int firstInside(int start, int dilation) {
        int h = start;
        while (h < 0) {
            h += dilation;
        }
        return h;
    }

    /**
     * The exclusive end of a dilated window, clipped to the input
     * (ATen max_pool2d: {@code min(ih0 + (kH-1)*dilationH + 1, input_height)}).
     */
    public static int dilatedEnd(int start, int kernel, int dilation, int size) {
        return (int) Math.min((long) start + (long) (kernel - 1) * dilation + 1, size);
    }
}
