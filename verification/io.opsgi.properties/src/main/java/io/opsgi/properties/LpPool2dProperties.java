package io.opsgi.properties;

import io.opsgi.op.HW;
import io.opsgi.op.LpPool2d;
import io.opsgi.op.LpPool2dKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** lp_pool2d: the kernel contract. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1000)
class LpPool2dProperties implements KernelContract<LpPool2dKernel, LpPool2dCase> {

    @Override
    public Class<LpPool2dKernel> family() {
        return LpPool2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<LpPool2dCase> valid() {
        return PoolCases.lpPool2d();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<LpPool2dKernel>> invalid() {
        return PoolCases.lpPool2dInvalid();
    }

    @Override
    public Outputs run(LpPool2dKernel kernel, LpPool2dCase c, List<Tensor> in) {
        return Outputs.of(LpPool2d.apply(kernel, in.get(0), c.attrs()));
    }

    @Override
    public Shape expectedShape(LpPool2dCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(LpPool2dCase c) {
        return LpPool2d.outputShape(c.inputShape(), c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    @Override
    public Map<String, Object> torchAttrs(LpPool2dCase c) {
        return Map.of("kernel_size", List.of(c.kernel().h(), c.kernel().w()));
    }

    @Provide
    Arbitrary<LpPool2dCase> wellConditioned() {
        return valid().filter(c -> c.normType() == 1.0 || c.normType() == 2.0);
    }

    /**
     * F.lp_pool2d: avg_pool2d(x^p) (windows clipped at the input, divided by the clipped count) times
     * kh*kw, to the power 1/p, with no absolute value; p = 1 and 2, where the root is well conditioned.
     */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<LpPool2dKernel> k, @ForAll("wellConditioned") LpPool2dCase c) {
        Tensor x = c.inputs().get(0);
        Nchw xv = Nchw.of(x);
        Shape out = c.expectedShape();
        HW s = c.stride() == null ? c.kernel() : c.stride();
        int oh = out.dim(-2), ow = out.dim(-1);
        double[] y = new double[out.size()];
        int at = 0;
        for (int n = 0; n < xv.n(); n++) {
            for (int ch = 0; ch < xv.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    int h0 = i * s.h(), h1 = Math.min(h0 + c.kernel().h(), xv.h());
                    for (int j = 0; j < ow; j++) {
                        int w0 = j * s.w(), w1 = Math.min(w0 + c.kernel().w(), xv.w());
                        double sum = 0;
                        for (int a = h0; a < h1; a++) {
                            for (int b = w0; b < w1; b++) {
                                sum += Math.pow(xv.at(n, ch, a, b), c.normType());
                            }
                        }
                        double avg = sum / ((h1 - h0) * (w1 - w0));
                        y[at++] = Math.pow(avg * c.kernel().h() * c.kernel().w(), 1 / c.normType());
                    }
                }
            }
        }
        Tensor expected = Nchw.tensor(out, y);
        Closeness.assertClose(Closeness.reduction(c.kernel().h() * c.kernel().w(), expected), run(k.kernel(), c, List.of(x)).main(), expected,
                k + " vs the lp_pool2d definition");
    }
}
