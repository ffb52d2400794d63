package io.opsgi.properties;

import io.opsgi.op.ConvTranspose2dAttrs;
import io.opsgi.op.HW;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/** A valid conv_transpose2d: input (n, cIn, h, w), weight (cIn, cOut/groups, kh, kw). */
public record ConvTranspose2dCase(int n, int cIn, int h, int w, int cOut, HW kernel, HW stride, HW padding, HW outputPadding, HW dilation,
        int groups, boolean bias, boolean unbatched, long seed) implements OpCase {

    @Override
    public String op() {
        return "conv_transpose2d";
    }

    public ConvTranspose2dAttrs attrs() {
        return new ConvTranspose2dAttrs(stride, padding, outputPadding, groups, dilation);
    }

    public Shape inputShape() {
        return unbatched ? Shape.of(cIn, h, w) : Shape.of(n, cIn, h, w);
    }

    public Shape weightShape() {
        return Shape.of(cIn, cOut / groups, kernel.h(), kernel.w());
    }

    @Override
    public List<Tensor> inputs() {
        return Arrays.asList(SeededData.uniform(inputShape(), seed, Role.INPUT), SeededData.uniform(weightShape(), seed, Role.WEIGHT),
                bias ? SeededData.uniform(Shape.of(cOut), seed, Role.BIAS) : null);
    }

    /** At most cIn/groups * kh * kw contributions land on one output. */
    public int reduction() {
        return cIn / groups * kernel.h() * kernel.w();
    }

    public Shape expectedShape() {
        int oh = Formulas.transposed(h, kernel.h(), stride.h(), padding.h(), dilation.h(), outputPadding.h());
        int ow = Formulas.transposed(w, kernel.w(), stride.w(), padding.w(), dilation.w(), outputPadding.w());
        return unbatched ? Shape.of(cOut, oh, ow) : Shape.of(n, cOut, oh, ow);
    }

    @Override
    public String toString() {
        return "conv_transpose2d input=" + inputShape() + " weight=" + weightShape() + " bias=" + (bias ? "[" + cOut + "]" : "none")
                + " stride=" + stride + " padding=" + padding + " output_padding=" + outputPadding + " dilation=" + dilation
                + " groups=" + groups + " seed=" + seed;
    }
}
