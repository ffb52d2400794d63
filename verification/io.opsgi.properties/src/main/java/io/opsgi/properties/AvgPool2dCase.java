package io.opsgi.properties;

import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.HW;
import io.opsgi.tensor.Shape;

/** A valid avg_pool2d; a null stride is PyTorch's default (the kernel), a null divisor means none. */
public record AvgPool2dCase(int n, int c, int h, int w, HW kernel, HW stride, HW padding, boolean ceil, boolean countIncludePad,
        Integer divisorOverride, boolean unbatched, long seed) implements PlaneCase {

    @Override
    public String op() {
        return "avg_pool2d";
    }

    public AvgPool2dAttrs attrs() {
        return new AvgPool2dAttrs(kernel, stride, padding, ceil, countIncludePad, divisorOverride);
    }

    public HW effectiveStride() {
        return stride == null ? kernel : stride;
    }

    public Shape expectedShape() {
        HW s = effectiveStride();
        int oh = Formulas.windows(h, kernel.h(), s.h(), padding.h(), padding.h(), 1, ceil);
        int ow = Formulas.windows(w, kernel.w(), s.w(), padding.w(), padding.w(), 1, ceil);
        return planes(oh, ow);
    }

    public AvgPool2dCase with(HW padding, boolean countIncludePad, Integer divisorOverride) {
        return new AvgPool2dCase(n, c, h, w, kernel, stride, padding, ceil, countIncludePad, divisorOverride, unbatched, seed);
    }

    @Override
    public String toString() {
        return "avg_pool2d input=" + inputShape() + " kernel_size=" + kernel + " stride=" + (stride == null ? "default" : stride)
                + " padding=" + padding + " ceil_mode=" + ceil + " count_include_pad=" + countIncludePad
                + " divisor_override=" + (divisorOverride == null ? "none" : divisorOverride) + " seed=" + seed;
    }
}
