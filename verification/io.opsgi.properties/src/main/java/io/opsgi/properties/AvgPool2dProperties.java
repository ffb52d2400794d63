package io.opsgi.properties;

import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.HW;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** avg_pool2d: the kernel contract, its definition (PyTorch's divisor rules) and the constant law. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1000)
class AvgPool2dProperties implements KernelContract<AvgPool2dKernel, AvgPool2dCase> {

    @Override
    public Class<AvgPool2dKernel> family() {
        return AvgPool2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<AvgPool2dCase> valid() {
        return PoolCases.avgPool2d();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<AvgPool2dKernel>> invalid() {
        return PoolCases.avgPool2dInvalid();
    }

    @Override
    public Outputs run(AvgPool2dKernel kernel, AvgPool2dCase c, List<Tensor> in) {
        return Outputs.of(AvgPool2d.apply(kernel, in.get(0), c.attrs()));
    }

    @Override
    public Shape expectedShape(AvgPool2dCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(AvgPool2dCase c) {
        return AvgPool2d.outputShape(c.inputShape(), c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    /**
     * PyTorch's avg_pool2d: the window is clipped at the end of the padding (H + p), the divisor is
     * divisor_override, else that clipped window's size (count_include_pad), else the number of real
     * elements in it. Computed in float64.
     */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<AvgPool2dKernel> k, @ForAll AvgPool2dCase c) {
        Tensor x = c.inputs().get(0);
        Nchw xv = Nchw.of(x);
        Shape out = c.expectedShape();
        int oh = out.dim(-2), ow = out.dim(-1);
        HW s = c.effectiveStride();
        double[] y = new double[out.size()];
        int at = 0;
        for (int n = 0; n < xv.n(); n++) {
            for (int ch = 0; ch < xv.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    int h0 = i * s.h() - c.padding().h(), h1 = Math.min(h0 + c.kernel().h(), xv.h() + c.padding().h());
                    for (int j = 0; j < ow; j++) {
                        int w0 = j * s.w() - c.padding().w(), w1 = Math.min(w0 + c.kernel().w(), xv.w() + c.padding().w());
                        double sum = 0;
                        int real = 0;
                        for (int a = h0; a < h1; a++) {
                            for (int b = w0; b < w1; b++) {
                                if (a >= 0 && a < xv.h() && b >= 0 && b < xv.w()) {
                                    sum += xv.at(n, ch, a, b);
                                    real++;
                                }
                            }
                        }
                        int divisor = c.divisorOverride() != null ? c.divisorOverride() : c.countIncludePad() ? (h1 - h0) * (w1 - w0) : real;
                        y[at++] = sum / divisor;
                    }
                }
            }
        }
        Tensor expected = Nchw.tensor(out, y);
        Closeness.assertClose(Closeness.reduction(c.kernel().h() * c.kernel().w(), expected), run(k.kernel(), c, List.of(x)).main(), expected,
                k + " vs the avg_pool2d definition");
    }

    @Provide
    Arbitrary<AvgPool2dCase> excludingPad() {
        return valid().map(c -> c.with(c.padding(), false, null));
    }

    /** The average of a constant is that constant (count_include_pad=False): a dyadic constant, so exactly. */
    @Property
    void averageOfConstantIsTheConstant(@ForAll KernelUnderTest<AvgPool2dKernel> k, @ForAll("excludingPad") AvgPool2dCase c) {
        float value = (c.seed() % 33 - 16) / 8f;
        Tensor y = AvgPool2d.apply(k.kernel(), Tensor.full(c.inputShape(), value), c.attrs());
        Closeness.assertClose(Closeness.exact("sums of a dyadic constant are exact"), y, Tensor.full(y.shape(), value), k + ": avg_pool2d of the constant " + value);
    }
}
