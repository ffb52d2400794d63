package io.opsgi.properties;

import io.opsgi.op.HW;
import io.opsgi.op.LpPool2dAttrs;
import io.opsgi.tensor.Shape;

/** A valid lp_pool2d (no padding, no dilation); a null stride is PyTorch's default (the kernel). */
public record LpPool2dCase(int n, int c, int h, int w, double normType, HW kernel, HW stride, boolean ceil, boolean unbatched, long seed)
        implements PlaneCase {

    @Override
    public String op() {
        return "lp_pool2d";
    }

    public LpPool2dAttrs attrs() {
        return new LpPool2dAttrs(normType, kernel, stride, ceil);
    }

    public Shape expectedShape() {
        HW s = stride == null ? kernel : stride;
        int oh = Formulas.windows(h, kernel.h(), s.h(), 0, 0, 1, ceil);
        int ow = Formulas.windows(w, kernel.w(), s.w(), 0, 0, 1, ceil);
        return planes(oh, ow);
    }

    @Override
    public String toString() {
        return "lp_pool2d input=" + inputShape() + " norm_type=" + normType + " kernel_size=" + kernel + " stride="
                + (stride == null ? "default" : stride) + " ceil_mode=" + ceil + " seed=" + seed;
    }
}
