package io.opsgi.properties;

import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.HW;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.Pooled;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** max_pool2d: the kernel contract (bit-exact, indices included), its definition, and max >= avg. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1000)
class MaxPool2dProperties implements KernelContract<MaxPool2dKernel, MaxPool2dCase> {

    @Override
    public Class<MaxPool2dKernel> family() {
        return MaxPool2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<MaxPool2dCase> valid() {
        return PoolCases.maxPool2d();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<MaxPool2dKernel>> invalid() {
        return PoolCases.maxPool2dInvalid();
    }

    @Override
    public Outputs run(MaxPool2dKernel kernel, MaxPool2dCase c, List<Tensor> in) {
        Pooled p = MaxPool2d.applyWithIndices(kernel, in.get(0), c.attrs());
        return new Outputs(List.of(p.output()), p.indices());
    }

    @Override
    public Shape expectedShape(MaxPool2dCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(MaxPool2dCase c) {
        return MaxPool2d.outputShape(c.inputShape(), c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    /**
     * PyTorch's element formula: scan the window row-major over the taps inside the input (padding
     * is -inf, never chosen), keep the first strictly greater value; the index is h*W + w in the plane.
     */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<MaxPool2dKernel> k, @ForAll MaxPool2dCase c) {
        Tensor x = c.inputs().get(0);
        Nchw xv = Nchw.of(x);
        Shape out = c.expectedShape();
        int oh = out.dim(-2), ow = out.dim(-1);
        HW s = c.effectiveStride();
        float[] y = new float[out.size()];
        long[] idx = new long[out.size()];
        int at = 0;
        for (int n = 0; n < xv.n(); n++) {
            for (int ch = 0; ch < xv.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float best = Float.NEGATIVE_INFINITY;
                        long where = -1;
                        for (int a = 0; a < c.kernel().h(); a++) {
                            int hi = i * s.h() - c.padding().h() + a * c.dilation().h();
                            for (int b = 0; b < c.kernel().w(); b++) {
                                int wi = j * s.w() - c.padding().w() + b * c.dilation().w();
                                if (hi < 0 || hi >= xv.h() || wi < 0 || wi >= xv.w()) {
                                    continue;
                                }
                                float v = xv.at(n, ch, hi, wi);
                                if (where < 0 || v > best || Float.isNaN(v)) {
                                    best = v;
                                    where = (long) hi * xv.w() + wi;
                                }
                            }
                        }
                        y[at] = best;
                        idx[at++] = where;
                    }
                }
            }
        }
        Pooled p = MaxPool2d.applyWithIndices(k.kernel(), x, c.attrs());
        Closeness.assertClose(Closeness.exact("a maximum is a selection"), p.output(), Tensor.wrap(out, y), k + " vs the max_pool2d definition");
        Closeness.assertEqualIndices(p.indices(), IndexTensor.wrap(out, idx), k + " vs the max_pool2d definition");
    }

    /**
     * Without indices a kernel may take a faster path (e.g. a separable max): it must give the same
     * bits as the reference, which the indices-returning contract calls above do not exercise.
     */
    @Property
    void valuesOnlyAgreesWithReference(@ForAll KernelUnderTest<MaxPool2dKernel> k, @ForAll MaxPool2dCase c) {
        Tensor x = c.inputs().get(0);
        Tensor expected = MaxPool2d.apply(Kernels.reference(family(), c.op()).kernel(), x, c.attrs());
        Closeness.assertClose(Closeness.exact("a maximum is a selection"), MaxPool2d.apply(k.kernel(), x, c.attrs()), expected,
                k + " without indices vs the reference");
    }

    @Provide
    Arbitrary<MaxPool2dCase> unpadded() {
        return valid().map(c -> new MaxPool2dCase(c.n(), c.c(), c.h(), c.w(), c.kernel(), c.stride(), HW.of(0), HW.of(1), c.ceil(), c.unbatched(), c.seed()))
                .filter(c -> c.expectedShape().dim(-1) > 0 && c.expectedShape().dim(-2) > 0);
    }

    /** Over the same windows (no padding, no dilation), the maximum is at least the mean. */
    @Property
    void maxIsAtLeastAvg(@ForAll KernelUnderTest<MaxPool2dKernel> max, @ForAll KernelUnderTest<AvgPool2dKernel> avg, @ForAll("unpadded") MaxPool2dCase c) {
        Tensor x = c.inputs().get(0);
        Tensor m = MaxPool2d.apply(max.kernel(), x, c.attrs());
        Tensor a = AvgPool2d.apply(avg.kernel(), x, new AvgPool2dAttrs(c.kernel(), c.stride(), HW.of(0), c.ceil(), false, null));
        if (!m.shape().equals(a.shape())) {
            throw new AssertionError(max + " gives " + m.shape() + " but " + avg + " gives " + a.shape() + " over the same windows");
        }
        for (int i = 0; i < m.size(); i++) {
            // the mean of values <= M, rounded, may exceed M by an ulp or so
            if (!(m.getFlat(i) >= a.getFlat(i) - 1e-6f * (1 + Math.abs(m.getFlat(i))))) {
                throw new AssertionError(max + " / " + avg + ": max " + m.getFlat(i) + " < avg " + a.getFlat(i) + " at output " + i);
            }
        }
    }
}
