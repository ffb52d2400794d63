package io.opsgi.properties;

import io.opsgi.tensor.Shape;

/**
 * A valid adaptive (or global) pool: {@code op} is adaptive_avg_pool2d, global_avg_pool2d,
 * adaptive_max_pool2d or global_max_pool2d; a null output size keeps that input dimension.
 */
public record AdaptiveCase(String op, int n, int c, int h, int w, Integer oh, Integer ow, boolean unbatched, long seed) implements PlaneCase {

    public boolean global() {
        return op.startsWith("global");
    }

    public Shape expectedShape() {
        int outH = global() ? 1 : oh == null ? h : oh, outW = global() ? 1 : ow == null ? w : ow;
        return planes(outH, outW);
    }

    /** The largest window (rows x cols) over all outputs: ceil(h/oh) + 1 rows at most. */
    public int reduction() {
        int outH = global() ? 1 : oh == null ? h : oh, outW = global() ? 1 : ow == null ? w : ow;
        return (outH == 0 ? 1 : h / outH + 2) * (outW == 0 ? 1 : w / outW + 2);
    }

    @Override
    public String toString() {
        return op + " input=" + inputShape() + (global() ? "" : " output_size=[" + (oh == null ? "None" : oh) + ", " + (ow == null ? "None" : ow) + "]")
                + " seed=" + seed;
    }
}
