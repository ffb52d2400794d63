package io.opsgi.properties;

import io.opsgi.op.AdaptiveMaxPool2dKernel;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.Pooled;
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

/** adaptive_max_pool2d and global_max_pool2d: the kernel contract, the identity law and the index law. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1000)
class AdaptiveMaxPool2dProperties extends AdaptiveLaws<AdaptiveMaxPool2dKernel> {
    @Override
    public Class<AdaptiveMaxPool2dKernel> family() {
        return AdaptiveMaxPool2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<AdaptiveCase> valid() {
        return PoolCases.adaptive(AdaptivePool2d.MAX, AdaptivePool2d.GLOBAL_MAX);
    }

    @Override
    @Provide
    public Arbitrary<Invalid<AdaptiveMaxPool2dKernel>> invalid() {
        return PoolCases.adaptiveMaxInvalid();
    }

    @Override
    public Outputs run(AdaptiveMaxPool2dKernel kernel, AdaptiveCase c, List<Tensor> in) {
        Pooled p = c.global() ? AdaptivePool2d.globalMax(kernel, in.get(0)) : AdaptivePool2d.max(kernel, in.get(0), c.oh(), c.ow());
        return new Outputs(List.of(p.output()), p.indices());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    /** Each output is the element its index points at, and that index lies in the output's window (ATen's start/end formulas). */
    @Property
    void indicesPointAtTheMaximum(@ForAll("kernels") KernelUnderTest<AdaptiveMaxPool2dKernel> k, @ForAll("valid") AdaptiveCase c) {
        Assume.that(k.serves(c.op()));
        Tensor x = c.inputs().get(0);
        Pooled p = c.global() ? AdaptivePool2d.globalMax(k.kernel(), x) : AdaptivePool2d.max(k.kernel(), x, c.oh(), c.ow());
        Nchw xv = Nchw.of(x);
        Shape out = p.output().shape();
        int oh = out.dim(-2), ow = out.dim(-1);
        int at = 0;
        for (int n = 0; n < xv.n(); n++) {
            for (int ch = 0; ch < xv.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    int h0 = i * xv.h() / oh, h1 = ((i + 1) * xv.h() + oh - 1) / oh; // floor(i*H/O), ceil((i+1)*H/O)
                    for (int j = 0; j < ow; j++, at++) {
                        int w0 = j * xv.w() / ow, w1 = ((j + 1) * xv.w() + ow - 1) / ow;
                        long idx = p.indices().getFlat(at);
                        int hi = (int) (idx / xv.w()), wi = (int) (idx % xv.w());
                        float best = Float.NEGATIVE_INFINITY;
                        for (int a = h0; a < h1; a++) {
                            for (int b = w0; b < w1; b++) {
                                best = Math.max(best, xv.at(n, ch, a, b));
                            }
                        }
                        if (hi < h0 || hi >= h1 || wi < w0 || wi >= w1 || xv.at(n, ch, hi, wi) != p.output().getFlat(at) || best != p.output().getFlat(at)) {
                            throw new AssertionError(k + ": output " + at + " = " + p.output().getFlat(at) + " with index " + idx + " (row " + hi
                                    + ", col " + wi + ") but its window is rows [" + h0 + ", " + h1 + ") cols [" + w0 + ", " + w1 + ") with maximum " + best);
                        }
                    }
                }
            }
        }
    }
}
