package io.opsgi.properties;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import io.opsgi.op.Tolerance;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** conv2d: the kernel contract plus its definition and metamorphic laws, for every discovered Conv2dKernel. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(800)
class Conv2dProperties implements KernelContract<Conv2dKernel, Conv2dCase> {
    private static final double U = 0x1p-24; // float32 unit roundoff

    @Override
    public Class<Conv2dKernel> family() {
        return Conv2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<Conv2dCase> valid() {
        return ConvCases.conv2d();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<Conv2dKernel>> invalid() {
        return ConvCases.conv2dInvalid();
    }

    @Override
    public Outputs run(Conv2dKernel kernel, Conv2dCase c, List<Tensor> in) {
        return Outputs.of(Conv2d.apply(kernel, in.get(0), in.get(1), in.get(2), c.attrs()));
    }

    @Override
    public Shape expectedShape(Conv2dCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(Conv2dCase c) {
        return Conv2d.outputShape(c.inputShape(), c.weightShape(), c.bias() ? Shape.of(c.cOut()) : null, c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "weight", "bias");
    }

    /** y[n,o,i,j] = b[o] + sum_{c,ki,kj} w[o,c,ki,kj] * xpad[n, g*Cg + c, i*s - padTop + ki*d, j*s - padLeft + kj*d], in float64. */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<Conv2dKernel> k, @ForAll Conv2dCase c) {
        matchesDefinition(k, c, c.inputs());
    }

    void matchesDefinition(KernelUnderTest<Conv2dKernel> k, Conv2dCase c, List<Tensor> in) {
        Tensor y = run(k.kernel(), c, in).main();
        Tensor expected = definition(c, in.get(0), in.get(1), in.get(2));
        Closeness.assertClose(Closeness.reduction(c.reduction(), expected), y, expected, k + " vs the conv2d definition");
    }

    static Tensor definition(Conv2dCase c, Tensor input, Tensor weight, Tensor bias) {
        Nchw x = Nchw.of(input);
        int[] pads = resolvedPads(c);
        Shape out = c.expectedShape();
        int oh = out.dim(-2), ow = out.dim(-1);
        int cig = c.cIn() / c.groups(), cog = c.cOut() / c.groups(), kh = c.kernel().h(), kw = c.kernel().w();
        double[] y = new double[out.size()];
        int at = 0;
        for (int n = 0; n < x.n(); n++) {
            for (int o = 0; o < c.cOut(); o++) {
                int g = o / cog;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = bias == null ? 0 : bias.getFlat(o);
                        for (int ci = 0; ci < cig; ci++) {
                            for (int a = 0; a < kh; a++) {
                                int hi = Nchw.padSource(c.mode(), i * c.stride().h() - pads[0] + a * c.dilation().h(), x.h());
                                for (int b = 0; b < kw; b++) {
                                    int wi = Nchw.padSource(c.mode(), j * c.stride().w() - pads[1] + b * c.dilation().w(), x.w());
                                    if (hi >= 0 && wi >= 0) {
                                        sum += (double) weight.getFlat(((o * cig + ci) * kh + a) * kw + b) * x.at(n, g * cig + ci, hi, wi);
                                    }
                                }
                            }
                        }
                        y[at++] = sum;
                    }
                }
            }
        }
        return Nchw.tensor(out, y);
    }

    /** (top, left) padding, including ONNX SAME_UPPER/SAME_LOWER: total (ceil(I/s)-1)s + d(k-1) + 1 - I, odd element at the end/beginning. */
    static int[] resolvedPads(Conv2dCase c) {
        ConvPadding.Kind kind = c.padding().kind();
        if (kind != ConvPadding.Kind.SAME_UPPER && kind != ConvPadding.Kind.SAME_LOWER) {
            return c.pads();
        }
        int th = Math.max(0, (Formulas.sameOutput(c.h(), c.stride().h()) - 1) * c.stride().h() + c.dilation().h() * (c.kernel().h() - 1) + 1 - c.h());
        int tw = Math.max(0, (Formulas.sameOutput(c.w(), c.stride().w()) - 1) * c.stride().w() + c.dilation().w() * (c.kernel().w() - 1) + 1 - c.w());
        boolean lower = kind == ConvPadding.Kind.SAME_LOWER;
        return new int[] {lower ? th - th / 2 : th / 2, lower ? tw - tw / 2 : tw / 2};
    }

    /**
     * conv(x1 + x2) = conv(x1) + conv(x2) within float32 rounding (bounded per output by
     * 4 K u conv(|x1|+|x2|, |w|)), and conv(2x, w, 2b) = 2 conv(x, w, b) exactly: scaling by a power of
     * two commutes with every rounding, whatever the summation order.
     */
    @Property
    void linearInInput(@ForAll KernelUnderTest<Conv2dKernel> k, @ForAll Conv2dCase c) {
        Conv2dKernel kernel = k.kernel();
        Tensor x1 = c.input(), x2 = SeededData.uniform(c.inputShape(), c.seed(), Role.SECOND), w = c.weight(), b = c.biasTensor();
        Tensor sum = Conv2d.apply(kernel, Nchw.add(x1, x2), w, null, c.attrs());
        Tensor y1 = Conv2d.apply(kernel, x1, w, null, c.attrs()), y2 = Conv2d.apply(kernel, x2, w, null, c.attrs());
        Tensor bound = Conv2d.apply(kernel, Nchw.add(Nchw.abs(x1), Nchw.abs(x2)), Nchw.abs(w), null, c.attrs());
        assertSumWithin(sum, y1, y2, bound, 4 * c.reduction() * U, k + ": conv(x1 + x2) vs conv(x1) + conv(x2)");
        Tensor doubled = Conv2d.apply(kernel, Nchw.scale(x1, 2), w, b == null ? null : Nchw.scale(b, 2), c.attrs());
        Closeness.assertClose(Closeness.exact("scaling by 2 commutes with rounding"), doubled, Nchw.scale(Conv2d.apply(kernel, x1, w, b, c.attrs()), 2), k + ": conv(2x, w, 2b) vs 2 conv(x, w, b)");
    }

    /** conv(x, w1 + w2) = conv(x, w1) + conv(x, w2) within float32 rounding. */
    @Property
    void linearInWeight(@ForAll KernelUnderTest<Conv2dKernel> k, @ForAll Conv2dCase c) {
        Conv2dKernel kernel = k.kernel();
        Tensor x = c.input(), w1 = c.weight(), w2 = SeededData.uniform(c.weightShape(), c.seed(), Role.SECOND);
        Tensor sum = Conv2d.apply(kernel, x, Nchw.add(w1, w2), null, c.attrs());
        Tensor y1 = Conv2d.apply(kernel, x, w1, null, c.attrs()), y2 = Conv2d.apply(kernel, x, w2, null, c.attrs());
        Tensor bound = Conv2d.apply(kernel, Nchw.abs(x), Nchw.add(Nchw.abs(w1), Nchw.abs(w2)), null, c.attrs());
        assertSumWithin(sum, y1, y2, bound, 4 * c.reduction() * U, k + ": conv(x, w1 + w2) vs conv(x, w1) + conv(x, w2)");
    }

    static void assertSumWithin(Tensor sum, Tensor a, Tensor b, Tensor magnitude, double relative, String what) {
        for (int i = 0; i < sum.size(); i++) {
            double expected = (double) a.getFlat(i) + b.getFlat(i);
            double tol = relative * magnitude.getFlat(i) + 1e-30;
            if (!(Math.abs(sum.getFlat(i) - expected) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + sum.getFlat(i) + ", expected " + expected + " +- " + tol);
            }
        }
    }

    @Provide
    Arbitrary<Conv2dCase> translatable() {
        return valid().filter(c -> c.mode() == PadMode.CONSTANT && c.padding().kind() != ConvPadding.Kind.SAME_UPPER
                && c.padding().kind() != ConvPadding.Kind.SAME_LOWER && c.n() > 0);
    }

    /**
     * Translation equivariance: dropping the first s rows (columns) of the input, s the stride, drops
     * the first output row (column), for every output whose window stays off the top (left) padding.
     */
    @Property
    void translationEquivariant(@ForAll KernelUnderTest<Conv2dKernel> k, @ForAll("translatable") Conv2dCase c, @ForAll boolean alongWidth) {
        int s = alongWidth ? c.stride().w() : c.stride().h();
        int size = alongWidth ? c.w() : c.h();
        int[] pads = c.pads();
        int padBegin = alongWidth ? pads[1] : pads[0], padEnd = alongWidth ? pads[3] : pads[2];
        int span = (alongWidth ? c.dilation().w() * (c.kernel().w() - 1) : c.dilation().h() * (c.kernel().h() - 1)) + 1;
        Assume.that(size - s >= 1 && size - s + padBegin + padEnd >= span);
        Conv2dCase shifted = alongWidth ? c.withInput(c.n(), c.cIn(), c.h(), c.w() - s) : c.withInput(c.n(), c.cIn(), c.h() - s, c.w());
        Tensor x = c.input(), w = c.weight(), b = c.biasTensor();
        Nchw xv = Nchw.of(x);
        float[] cut = new float[shifted.inputShape().size()];
        int at = 0;
        for (int n = 0; n < xv.n(); n++) {
            for (int ch = 0; ch < xv.c(); ch++) {
                for (int i = alongWidth ? 0 : s; i < xv.h(); i++) {
                    for (int j = alongWidth ? s : 0; j < xv.w(); j++) {
                        cut[at++] = xv.at(n, ch, i, j);
                    }
                }
            }
        }
        Tensor full = Conv2d.apply(k.kernel(), x, w, b, c.attrs());
        Nchw y = Nchw.of(full);
        Nchw y2 = Nchw.of(Conv2d.apply(k.kernel(), Tensor.wrap(shifted.inputShape(), cut), w, b, shifted.attrs()));
        Tolerance tol = Closeness.reduction(c.reduction(), full);
        int compared = 0;
        for (int n = 0; n < y2.n(); n++) {
            for (int o = 0; o < y2.c(); o++) {
                for (int i = 0; i < y2.h(); i++) {
                    for (int j = 0; j < y2.w(); j++) {
                        int o2 = alongWidth ? j : i;
                        if (o2 * s - padBegin < 0 || o2 + 1 >= (alongWidth ? y.w() : y.h())) {
                            continue; // reads the begin padding, or no counterpart
                        }
                        float expected = alongWidth ? y.at(n, o, i, j + 1) : y.at(n, o, i + 1, j);
                        if (!tol.accepts(expected, y2.at(n, o, i, j))) {
                            throw new AssertionError(k + ": shifted output at [" + n + ", " + o + ", " + i + ", " + j + "] is " + y2.at(n, o, i, j)
                                    + ", expected " + expected + " (" + tol.describe() + ")");
                        }
                        compared++;
                    }
                }
            }
        }
        Assume.that(compared > 0);
    }

    @Provide
    Arbitrary<Conv2dCase> oneByOne() {
        return valid().map(c -> c.withWeight(c.cOut(), HW.of(1), c.groups()).withAttrs(c.stride(), ConvPadding.of(0), HW.of(1), PadMode.CONSTANT));
    }

    /** A 1x1 convolution is a per-pixel matrix product: y[n,o,i,j] = b[o] + sum_c w[o,c] x[n, g*Cg + c, i*sH, j*sW]. */
    @Property
    void oneByOneIsPerPixelMatrixProduct(@ForAll KernelUnderTest<Conv2dKernel> k, @ForAll("oneByOne") Conv2dCase c) {
        Tensor x = c.input(), w = c.weight(), b = c.biasTensor();
        Tensor y = Conv2d.apply(k.kernel(), x, w, b, c.attrs());
        Nchw xv = Nchw.of(x);
        Shape out = c.expectedShape();
        int oh = out.dim(-2), ow = out.dim(-1), cig = c.cIn() / c.groups(), cog = c.cOut() / c.groups();
        double[] expected = new double[out.size()];
        for (int n = 0; n < xv.n(); n++) {
            for (int o = 0; o < c.cOut(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = b == null ? 0 : b.getFlat(o);
                        for (int ci = 0; ci < cig; ci++) {
                            acc += (double) w.getFlat(o * cig + ci) * xv.at(n, (o / cog) * cig + ci, i * c.stride().h(), j * c.stride().w());
                        }
                        expected[((n * c.cOut() + o) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        Tensor e = Nchw.tensor(out, expected);
        Closeness.assertClose(Closeness.reduction(c.reduction(), e), y, e, k + " vs the per-pixel matrix product");
    }

    @Provide
    Arbitrary<Conv2dCase> depthwise() {
        return valid().map(c -> c.withWeight(c.cIn() * (c.cOut() / c.groups()), c.kernel(), c.cIn()));
    }

    /** groups = C (depthwise, channel multiplier m) equals C separate single-channel convolutions, concatenated. */
    @Property
    void depthwiseEqualsPerChannelConvolutions(@ForAll KernelUnderTest<Conv2dKernel> k, @ForAll("depthwise") Conv2dCase c) {
        Tensor x = c.input(), w = c.weight(), b = c.biasTensor();
        Tensor grouped = Conv2d.apply(k.kernel(), x, w, b, c.attrs());
        int m = c.cOut() / c.cIn(), per = w.size() / c.cOut();
        Nchw xv = Nchw.of(x);
        Nchw yv = Nchw.of(grouped);
        Conv2dCase single = c.withInput(c.n(), 1, c.h(), c.w()).withWeight(m, c.kernel(), 1);
        for (int ch = 0; ch < c.cIn(); ch++) {
            float[] xc = new float[xv.n() * xv.h() * xv.w()];
            for (int n = 0; n < xv.n(); n++) {
                System.arraycopy(xv.data(), xv.index(n, ch, 0, 0), xc, n * xv.h() * xv.w(), xv.h() * xv.w());
            }
            float[] wc = new float[m * per];
            System.arraycopy(w.buffer(), ch * m * per, wc, 0, m * per);
            Tensor bc = null;
            if (b != null) {
                float[] bv = new float[m];
                System.arraycopy(b.buffer(), ch * m, bv, 0, m);
                bc = Tensor.wrap(Shape.of(m), bv);
            }
            Nchw part = Nchw.of(Conv2d.apply(k.kernel(), Tensor.wrap(single.inputShape(), xc), Tensor.wrap(single.weightShape(), wc), bc, single.attrs()));
            Tolerance tol = Closeness.reduction(c.kernel().h() * c.kernel().w(), grouped);
            for (int n = 0; n < part.n(); n++) {
                for (int j = 0; j < m; j++) {
                    for (int i = 0; i < part.h() * part.w(); i++) {
                        float expected = part.data()[part.index(n, j, 0, 0) + i], actual = yv.data()[yv.index(n, ch * m + j, 0, 0) + i];
                        if (!tol.accepts(expected, actual)) {
                            throw new AssertionError(k + ": depthwise output channel " + (ch * m + j) + " element " + i + " is " + actual
                                    + ", the single-channel convolution gives " + expected);
                        }
                    }
                }
            }
        }
    }
}
