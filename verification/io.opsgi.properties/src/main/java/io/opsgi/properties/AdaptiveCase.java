package io.opsgi.properties;

import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;

/**
 * A valid adaptive (or global) pool: {@code op} is adaptive_avg_pool2d, global_avg_pool2d,
 * adaptive_max_pool2d or global_max_pool2d; a null output size keeps that input dimension.
 */
public record AdaptiveCase(String op, int n, int c, int h, int w, Integer oh, Integer ow, boolean unbatched, long seed) implements OpCase {

    public boolean global() {
        return op.startsWith("global");
    }

    public Shape inputShape() {
        return unbatched ? Shape.of(c, h, w) : Shape.of(n, c, h, w);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.uniform(inputShape(), seed, Role.INPUT));
    }

    public Shape expectedShape() {
        int outH = global() ? 1 : oh == null ? h : oh, outW = global() ? 1 : ow == null ? w : ow;
        return unbatched ? Shape.of(c, outH, outW) : Shape.of(n, c, outH, outW);
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
