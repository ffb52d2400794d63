package io.opsgi.properties;

import static io.opsgi.properties.Generators.batch;
import static io.opsgi.properties.Generators.hw;
import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;

import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.HW;
import io.opsgi.op.LpPool2d;
import io.opsgi.op.LpPool2dAttrs;
import io.opsgi.op.LpPool2dKernel;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dAttrs;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.Pads;
import io.opsgi.op.Pooled;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/**
 * ONNX's four-sided form of max/avg/lp pooling ({@code padding=[top, left, bottom, right]}) on every
 * kernel: each against its definition written from ONNX Runtime 1.29's rules (pads up to k-1, the
 * ceil_mode drop rule, count_include_pad clipped at the end of the explicit pads, LpPool's plain sum
 * of |x|^p, -3.4028235e38 and index -1 for a dilated window wholly in padding), and the form with
 * symmetric pads within PyTorch's limit equal, bit for bit, to PyTorch's form.
 */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(500)
class OnnxPoolFormProperties {

    /** An input and a four-sided window, printed like a bug report. */
    record OnnxPoolCase(int n, int c, int h, int w, HW kernel, HW stride, Pads pads, HW dilation, boolean ceil, boolean countIncludePad,
            long seed) {
        Shape inputShape() {
            return Shape.of(n, c, h, w);
        }

        Tensor input() {
            return Generators.tensor(inputShape(), seed);
        }

        int oh() {
            return Formulas.windows(h, kernel.h(), stride.h(), pads.top(), pads.bottom(), dilation.h(), ceil);
        }

        int ow() {
            return Formulas.windows(w, kernel.w(), stride.w(), pads.left(), pads.right(), dilation.w(), ceil);
        }

        MaxPool2dAttrs maxAttrs() {
            return new MaxPool2dAttrs(kernel, stride, null, dilation, ceil, pads);
        }

        AvgPool2dAttrs avgAttrs() {
            return new AvgPool2dAttrs(kernel, stride, null, ceil, countIncludePad, null, pads);
        }

        @Override
        public String toString() {
            return "input=" + inputShape() + " kernel_size=" + kernel + " stride=" + stride + " padding=" + pads + " dilation=" + dilation
                    + " ceil_mode=" + ceil + " count_include_pad=" + countIncludePad + " seed=" + seed;
        }
    }

    private static Arbitrary<OnnxPoolCase> cases(boolean dilated) {
        return Combinators.combine(hw(1, 4), hw(1, 3), dilated ? hw(1, 3) : Arbitraries.just(HW.of(1)), Arbitraries.of(false, true),
                Arbitraries.of(false, true), seeds())
                .as((k, s, d, ceil, cip, seed) -> new Object[] {k, s, d, ceil, cip, seed})
                .flatMap(o -> {
                    HW k = (HW) o[0];
                    // each pad below the kernel (ONNX Runtime's limit), beyond PyTorch's k/2
                    return Combinators.combine(ints(0, k.h() - 1), ints(0, k.w() - 1), ints(0, k.h() - 1), ints(0, k.w() - 1), batch(),
                            ints(1, 2), ints(1, 9), ints(1, 9))
                            .as((t, l, b, r, n, c, h, w) -> new OnnxPoolCase(n, c, h, w, k, (HW) o[1], Pads.of(t, l, b, r), (HW) o[2],
                                    (Boolean) o[3], (Boolean) o[4], (Long) o[5]));
                })
                .filter(c -> c.oh() >= 1 && c.ow() >= 1);
    }

    @Provide
    Arbitrary<OnnxPoolCase> dilated() {
        return cases(true);
    }

    @Provide
    Arbitrary<OnnxPoolCase> undilated() {
        return cases(false);
    }

    @Provide
    Arbitrary<OnnxPoolCase> withinPyTorchLimit() {
        return cases(true).filter(c -> c.pads().top() == c.pads().bottom() && c.pads().left() == c.pads().right()
                && c.pads().top() <= c.kernel().h() / 2 && c.pads().left() <= c.kernel().w() / 2);
    }

    /** Window taps of output o along one axis that land inside [0, size). */
    private static int[] taps(int o, int size, int k, int s, int padBegin, int d) {
        return java.util.stream.IntStream.range(0, k).map(i -> o * s - padBegin + i * d).filter(i -> i >= 0 && i < size).toArray();
    }

    @Property
    void maxMatchesOnnxRuntimesDefinition(@ForAll KernelUnderTest<MaxPool2dKernel> k, @ForAll("dilated") OnnxPoolCase c) {
        Tensor x = c.input();
        Nchw xv = Nchw.of(x);
        int oh = c.oh(), ow = c.ow();
        Shape out = Shape.of(c.n(), c.c(), oh, ow);
        float[] y = new float[out.size()];
        long[] idx = new long[out.size()];
        int at = 0;
        for (int n = 0; n < c.n(); n++) {
            for (int ch = 0; ch < c.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    int[] rows = taps(i, c.h(), c.kernel().h(), c.stride().h(), c.pads().top(), c.dilation().h());
                    for (int j = 0; j < ow; j++) {
                        int[] cols = taps(j, c.w(), c.kernel().w(), c.stride().w(), c.pads().left(), c.dilation().w());
                        float best = -Float.MAX_VALUE; // ONNX Runtime's value for a window wholly in padding
                        long where = -1;
                        for (int a : rows) {
                            for (int b : cols) {
                                float v = xv.at(n, ch, a, b);
                                if (where < 0 || v > best || Float.isNaN(v)) {
                                    best = v;
                                    where = (long) a * c.w() + b;
                                }
                            }
                        }
                        y[at] = best;
                        idx[at++] = where;
                    }
                }
            }
        }
        Pooled p = MaxPool2d.applyWithIndices(k.kernel(), x, c.maxAttrs());
        Closeness.assertClose(Closeness.exact("a maximum is a selection"), p.output(), Tensor.wrap(out, y), k + " vs ONNX MaxPool");
        Closeness.assertEqualIndices(p.indices(), IndexTensor.wrap(out, idx), k + " vs ONNX MaxPool");
        Closeness.assertClose(Closeness.exact("a maximum is a selection"), MaxPool2d.apply(k.kernel(), x, c.maxAttrs()), Tensor.wrap(out, y),
                k + " without indices vs ONNX MaxPool");
    }

    @Property
    void avgMatchesOnnxRuntimesDefinition(@ForAll KernelUnderTest<AvgPool2dKernel> k, @ForAll("undilated") OnnxPoolCase c) {
        Tensor x = c.input();
        Nchw xv = Nchw.of(x);
        int oh = c.oh(), ow = c.ow();
        Shape out = Shape.of(c.n(), c.c(), oh, ow);
        double[] y = new double[out.size()];
        int at = 0;
        for (int n = 0; n < c.n(); n++) {
            for (int ch = 0; ch < c.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    int hs = i * c.stride().h() - c.pads().top(), he = Math.min(hs + c.kernel().h(), c.h() + c.pads().bottom());
                    int[] rows = taps(i, c.h(), c.kernel().h(), c.stride().h(), c.pads().top(), 1);
                    for (int j = 0; j < ow; j++) {
                        int ws = j * c.stride().w() - c.pads().left(), we = Math.min(ws + c.kernel().w(), c.w() + c.pads().right());
                        int[] cols = taps(j, c.w(), c.kernel().w(), c.stride().w(), c.pads().left(), 1);
                        double sum = 0;
                        for (int a : rows) {
                            for (int b : cols) {
                                sum += xv.at(n, ch, a, b);
                            }
                        }
                        // explicit pads count with count_include_pad; a ceil_mode overhang past them does not
                        y[at++] = sum / (c.countIncludePad() ? (he - hs) * (we - ws) : rows.length * cols.length);
                    }
                }
            }
        }
        Tensor expected = Nchw.tensor(out, y);
        Closeness.assertClose(Closeness.reduction(c.kernel().h() * c.kernel().w(), expected), AvgPool2d.apply(k.kernel(), x, c.avgAttrs()),
                expected, k + " vs ONNX AveragePool");
    }

    @Property
    void lpMatchesOnnxRuntimesDefinition(@ForAll KernelUnderTest<LpPool2dKernel> k, @ForAll("undilated") OnnxPoolCase c,
            @ForAll("norms") int p) {
        Tensor x = c.input();
        Nchw xv = Nchw.of(x);
        int oh = c.oh(), ow = c.ow();
        Shape out = Shape.of(c.n(), c.c(), oh, ow);
        double[] y = new double[out.size()];
        int at = 0;
        for (int n = 0; n < c.n(); n++) {
            for (int ch = 0; ch < c.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    int[] rows = taps(i, c.h(), c.kernel().h(), c.stride().h(), c.pads().top(), 1);
                    for (int j = 0; j < ow; j++) {
                        int[] cols = taps(j, c.w(), c.kernel().w(), c.stride().w(), c.pads().left(), 1);
                        double sum = 0;
                        for (int a : rows) {
                            for (int b : cols) {
                                sum += Math.pow(Math.abs(xv.at(n, ch, a, b)), p);
                            }
                        }
                        y[at++] = Math.pow(sum, 1.0 / p); // ONNX LpPool: (sum |x|^p)^(1/p), no divisor, no rescaling
                    }
                }
            }
        }
        Tensor expected = Nchw.tensor(out, y);
        LpPool2dAttrs a = new LpPool2dAttrs(p, c.kernel(), c.stride(), c.ceil(), null, c.pads(), true);
        Closeness.assertClose(ToleranceClass.REDUCTION_WITH_LIBM.bound(c.kernel().h() * c.kernel().w(), expected, x),
                LpPool2d.apply(k.kernel(), x, a), expected, k + " vs ONNX LpPool p=" + p);
    }

    @Provide
    Arbitrary<Integer> norms() {
        return Arbitraries.of(1, 2, 3, 4);
    }

    /** Symmetric pads within k/2: the two forms are one pool, for max (with indices) and avg alike. */
    @Property
    void symmetricOnnxFormIsPyTorchsForm(@ForAll KernelUnderTest<MaxPool2dKernel> max, @ForAll KernelUnderTest<AvgPool2dKernel> avg,
            @ForAll("withinPyTorchLimit") OnnxPoolCase c) {
        Tensor x = c.input();
        HW p = HW.of(c.pads().top(), c.pads().left());
        Pooled onnx = MaxPool2d.applyWithIndices(max.kernel(), x, c.maxAttrs());
        Pooled torch = MaxPool2d.applyWithIndices(max.kernel(), x, new MaxPool2dAttrs(c.kernel(), c.stride(), p, c.dilation(), c.ceil()));
        if (torch.output().buffer().length == onnx.output().buffer().length && !hasNegativeInfinity(torch.output())) {
            Closeness.assertClose(Closeness.exact("one pool"), onnx.output(), torch.output(), max + ": ONNX form vs PyTorch form");
            Closeness.assertEqualIndices(onnx.indices(), torch.indices(), max + ": ONNX form vs PyTorch form");
        }
        if (c.dilation().equals(HW.of(1))) {
            Tensor a = AvgPool2d.apply(avg.kernel(), x, c.avgAttrs());
            Tensor b = AvgPool2d.apply(avg.kernel(), x, new AvgPool2dAttrs(c.kernel(), c.stride(), p, c.ceil(), c.countIncludePad(), null));
            Closeness.assertClose(Closeness.exact("one pool"), a, b, avg + ": ONNX form vs PyTorch form");
        }
    }

    /** PyTorch's empty dilated windows give -inf where ONNX Runtime gives its lowest float: the one place the forms differ. */
    private static boolean hasNegativeInfinity(Tensor t) {
        for (float v : t.buffer()) {
            if (v == Float.NEGATIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }
}
