package io.opsgi.properties;

import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptivePool2d;
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

/** adaptive_avg_pool2d and global_avg_pool2d: the kernel contract and the identity law. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1000)
class AdaptiveAvgPool2dProperties extends AdaptiveLaws<AdaptiveAvgPool2dKernel> {
    @Override
    public Class<AdaptiveAvgPool2dKernel> family() {
        return AdaptiveAvgPool2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<AdaptiveCase> valid() {
        return PoolCases.adaptive(AdaptivePool2d.AVG, AdaptivePool2d.GLOBAL_AVG);
    }

    @Override
    @Provide
    public Arbitrary<Invalid<AdaptiveAvgPool2dKernel>> invalid() {
        return PoolCases.adaptiveAvgInvalid();
    }

    @Override
    public Outputs run(AdaptiveAvgPool2dKernel kernel, AdaptiveCase c, List<Tensor> in) {
        return Outputs.of(c.global() ? AdaptivePool2d.globalAvg(kernel, in.get(0)) : AdaptivePool2d.avg(kernel, in.get(0), c.oh(), c.ow()));
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    /** Output (i, j) is the mean over rows [floor(i*H/OH), ceil((i+1)*H/OH)) and the same columns, in float64. */
    @Property
    void matchesDefinition(@ForAll("kernels") KernelUnderTest<AdaptiveAvgPool2dKernel> k, @ForAll("valid") AdaptiveCase c) {
        Assume.that(k.serves(c.op()));
        Tensor x = c.inputs().get(0);
        Nchw xv = Nchw.of(x);
        Shape out = c.expectedShape();
        int oh = out.dim(-2), ow = out.dim(-1);
        double[] y = new double[out.size()];
        int at = 0;
        for (int n = 0; n < xv.n(); n++) {
            for (int ch = 0; ch < xv.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    int h0 = i * xv.h() / oh, h1 = ((i + 1) * xv.h() + oh - 1) / oh;
                    for (int j = 0; j < ow; j++) {
                        int w0 = j * xv.w() / ow, w1 = ((j + 1) * xv.w() + ow - 1) / ow;
                        double sum = 0;
                        for (int a = h0; a < h1; a++) {
                            for (int b = w0; b < w1; b++) {
                                sum += xv.at(n, ch, a, b);
                            }
                        }
                        y[at++] = sum / ((h1 - h0) * (w1 - w0));
                    }
                }
            }
        }
        Tensor expected = Nchw.tensor(out, y);
        Closeness.assertClose(Closeness.reduction(c.reduction(), expected), run(k.kernel(), c, List.of(x)).main(), expected,
                k + " vs the " + c.op() + " definition");
    }
}
