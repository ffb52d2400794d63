package io.opsgi.kernel.support;

/** Window arithmetic shared by pooling kernels. */
public final class Windows {
    private Windows() {
    }

    /** The first input position of output {@code o}'s window: {@code o*stride - pad}. */
    public static int start(int o, int stride, int pad) {
        return o * stride - pad;
    }
}
