package io.opsgi.properties;

import io.opsgi.op.HW;
import io.opsgi.op.MaxPool2dAttrs;
import io.opsgi.tensor.Shape;

/** A valid max_pool2d whose every window holds at least one input element; a null stride is PyTorch's default (the kernel). */
public record MaxPool2dCase(int n, int c, int h, int w, HW kernel, HW stride, HW padding, HW dilation, boolean ceil, boolean unbatched,
        long seed) implements PlaneCase {

    @Override
    public String op() {
        return "max_pool2d";
    }

    public MaxPool2dAttrs attrs() {
        return new MaxPool2dAttrs(kernel, stride, padding, dilation, ceil);
    }

    public HW effectiveStride() {
        return stride == null ? kernel : stride;
    }

    public Shape expectedShape() {
        HW s = effectiveStride();
        int oh = Formulas.windows(h, kernel.h(), s.h(), padding.h(), padding.h(), dilation.h(), ceil);
        int ow = Formulas.windows(w, kernel.w(), s.w(), padding.w(), padding.w(), dilation.w(), ceil);
        return planes(oh, ow);
    }

    @Override
    public String toString() {
        return "max_pool2d input=" + inputShape() + " kernel_size=" + kernel + " stride=" + (stride == null ? "default" : stride)
                + " padding=" + padding + " dilation=" + dilation + " ceil_mode=" + ceil + " seed=" + seed;
    }
}
