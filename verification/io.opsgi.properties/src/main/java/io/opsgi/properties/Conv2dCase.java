package io.opsgi.properties;

import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/** A valid conv2d: input (n, cIn, h, w) or unbatched (cIn, h, w), weight (cOut, cIn/groups, kh, kw). */
public record Conv2dCase(int n, int cIn, int h, int w, int cOut, HW kernel, HW stride, ConvPadding padding, HW dilation, int groups,
        PadMode mode, boolean bias, boolean unbatched, long seed) implements OpCase {

    @Override
    public String op() {
        return "conv2d";
    }

    public Conv2dAttrs attrs() {
        return new Conv2dAttrs(stride, padding, dilation, groups, mode);
    }

    public Shape inputShape() {
        return unbatched ? Shape.of(cIn, h, w) : Shape.of(n, cIn, h, w);
    }

    public Shape weightShape() {
        return Shape.of(cOut, cIn / groups, kernel.h(), kernel.w());
    }

    public Tensor input() {
        return SeededData.uniform(inputShape(), seed, Role.INPUT);
    }

    public Tensor weight() {
        return SeededData.uniform(weightShape(), seed, Role.WEIGHT);
    }

    public Tensor biasTensor() {
        return bias ? SeededData.uniform(Shape.of(cOut), seed, Role.BIAS) : null;
    }

    @Override
    public List<Tensor> inputs() {
        return Arrays.asList(input(), weight(), biasTensor());
    }

    /** Terms summed per output: the reduction size K. */
    public int reduction() {
        return cIn / groups * kernel.h() * kernel.w();
    }

    /** (top, left, bottom, right) for explicit, 'valid' and torch 'same' padding (whose split does not depend on the input size). */
    public int[] pads() {
        switch (padding.kind()) {
            case EXPLICIT:
                return new int[] {padding.top(), padding.left(), padding.bottom(), padding.right()};
            case VALID:
                return new int[4];
            case SAME: {
                // torch 'same': total d(k-1), the odd element at the bottom/right.
                int th = dilation.h() * (kernel.h() - 1), tw = dilation.w() * (kernel.w() - 1);
                return new int[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
            }
            default:
                throw new IllegalStateException("pads of " + padding + " depend on the input size");
        }
    }

    /** The output shape from torch.nn.Conv2d's documented formula (windows counted in {@link Formulas}). */
    public Shape expectedShape() {
        int oh, ow;
        if (padding.kind() == ConvPadding.Kind.SAME_UPPER || padding.kind() == ConvPadding.Kind.SAME_LOWER) {
            oh = Formulas.sameOutput(h, stride.h());
            ow = Formulas.sameOutput(w, stride.w());
        } else {
            int[] p = pads();
            oh = Formulas.windows(h, kernel.h(), stride.h(), p[0], p[2], dilation.h(), false);
            ow = Formulas.windows(w, kernel.w(), stride.w(), p[1], p[3], dilation.w(), false);
        }
        return unbatched ? Shape.of(cOut, oh, ow) : Shape.of(n, cOut, oh, ow);
    }

    public Conv2dCase withInput(int n, int cIn, int h, int w) {
        return new Conv2dCase(n, cIn, h, w, cOut, kernel, stride, padding, dilation, groups, mode, bias, unbatched, seed);
    }

    public Conv2dCase withWeight(int cOut, HW kernel, int groups) {
        return new Conv2dCase(n, cIn, h, w, cOut, kernel, stride, padding, dilation, groups, mode, bias, unbatched, seed);
    }

    public Conv2dCase withAttrs(HW stride, ConvPadding padding, HW dilation, PadMode mode) {
        return new Conv2dCase(n, cIn, h, w, cOut, kernel, stride, padding, dilation, groups, mode, bias, unbatched, seed);
    }

    public Conv2dCase withBias(boolean bias) {
        return new Conv2dCase(n, cIn, h, w, cOut, kernel, stride, padding, dilation, groups, mode, bias, unbatched, seed);
    }

    @Override
    public String toString() {
        return "conv2d input=" + inputShape() + " weight=" + weightShape() + " bias=" + (bias ? "[" + cOut + "]" : "none")
                + " stride=" + stride + " padding=" + padding + " dilation=" + dilation + " groups=" + groups
                + " padding_mode=" + (mode == PadMode.CONSTANT ? "zeros" : mode) + " seed=" + seed;
    }
}
