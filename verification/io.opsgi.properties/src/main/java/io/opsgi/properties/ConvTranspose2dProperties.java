package io.opsgi.properties;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.ConvTranspose2d;
import io.opsgi.op.ConvTranspose2dAttrs;
import io.opsgi.op.ConvTranspose2dKernel;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import io.opsgi.properties.SeededData.Role;
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

/** conv_transpose2d: the kernel contract, its scatter definition, and the adjoint law with conv2d. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(600)
class ConvTranspose2dProperties implements KernelContract<ConvTranspose2dKernel, ConvTranspose2dCase> {
    private static final double U = 0x1p-24;

    @Override
    public Class<ConvTranspose2dKernel> family() {
        return ConvTranspose2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<ConvTranspose2dCase> valid() {
        return ConvCases.convTranspose2d();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<ConvTranspose2dKernel>> invalid() {
        return ConvCases.convTranspose2dInvalid();
    }

    @Override
    public Outputs run(ConvTranspose2dKernel kernel, ConvTranspose2dCase c, List<Tensor> in) {
        return Outputs.of(ConvTranspose2d.apply(kernel, in.get(0), in.get(1), in.get(2), c.attrs()));
    }

    @Override
    public Shape expectedShape(ConvTranspose2dCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(ConvTranspose2dCase c) {
        return ConvTranspose2d.outputShape(c.inputShape(), c.weightShape(), c.bias() ? Shape.of(c.cOut()) : null, c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "weight", "bias");
    }

    @Override
    public Map<String, Object> torchAttrs(ConvTranspose2dCase c) {
        return Map.of("stride", List.of(c.stride().h(), c.stride().w()), "dilation", List.of(c.dilation().h(), c.dilation().w()), "groups", c.groups());
    }

    /**
     * The scatter form, in float64: every input element x[n, ci, ih, iw] adds x * w[ci, co, i, j] to
     * y[n, g*Og + co, ih*s - p + i*d, iw*s - p + j*d] when that lands inside the output; then the bias.
     */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<ConvTranspose2dKernel> k, @ForAll ConvTranspose2dCase c) {
        List<Tensor> in = c.inputs();
        Tensor x = in.get(0), w = in.get(1), b = in.get(2);
        Nchw xv = Nchw.of(x);
        Shape out = c.expectedShape();
        int oh = out.dim(-2), ow = out.dim(-1), cig = c.cIn() / c.groups(), cog = c.cOut() / c.groups(), kh = c.kernel().h(), kw = c.kernel().w();
        double[] y = new double[out.size()];
        for (int n = 0; n < xv.n(); n++) {
            for (int ci = 0; ci < c.cIn(); ci++) {
                int g = ci / cig;
                for (int ih = 0; ih < xv.h(); ih++) {
                    for (int iw = 0; iw < xv.w(); iw++) {
                        double v = xv.at(n, ci, ih, iw);
                        for (int co = 0; co < cog; co++) {
                            for (int i = 0; i < kh; i++) {
                                int yh = ih * c.stride().h() - c.padding().h() + i * c.dilation().h();
                                for (int j = 0; j < kw; j++) {
                                    int yw = iw * c.stride().w() - c.padding().w() + j * c.dilation().w();
                                    if (yh >= 0 && yh < oh && yw >= 0 && yw < ow) {
                                        y[((n * c.cOut() + g * cog + co) * oh + yh) * ow + yw] += v * w.getFlat(((ci * cog + co) * kh + i) * kw + j);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if (b != null) {
            for (int i = 0; i < y.length; i++) {
                y[i] += b.getFlat(i / (oh * ow) % c.cOut());
            }
        }
        Tensor actual = run(k.kernel(), c, in).main();
        Tensor expected = Nchw.tensor(out, y);
        Closeness.assertClose(Closeness.reduction(c.reduction(), expected), actual, expected, k + " vs the conv_transpose2d definition");
    }

    /** conv2d cases that conv_transpose2d can mirror: zero padding, symmetric, no bias. */
    @Provide
    Arbitrary<Conv2dCase> adjointCases() {
        return ConvCases.conv2d().map(c -> {
            int[] p = c.padding().kind() == ConvPadding.Kind.EXPLICIT || c.padding().kind() == ConvPadding.Kind.VALID ? c.pads() : new int[4];
            return c.withAttrs(c.stride(), ConvPadding.symmetric(p[0], p[1]), c.dilation(), PadMode.CONSTANT).withBias(false);
        }).filter(c -> c.n() > 0 && c.expectedShape().dim(-1) > 0 && c.expectedShape().dim(-2) > 0);
    }

    /**
     * conv_transpose2d is the adjoint of conv2d: {@code <conv(x, w), y> = <x, convT(y, w)>} with the
     * same weight, stride, padding, dilation and groups, and output_padding chosen so that convT
     * gives back x's size. Both sides in float64; the bound is 2 * 2K u <conv(|x|, |w|), |y|>.
     */
    @Property
    void isTheAdjointOfConv2d(@ForAll KernelUnderTest<Conv2dKernel> conv, @ForAll KernelUnderTest<ConvTranspose2dKernel> convT, @ForAll("adjointCases") Conv2dCase c) {
        Tensor x = c.input(), w = c.weight();
        Tensor cx = Conv2d.apply(conv.kernel(), x, w, null, c.attrs());
        Tensor y = SeededData.uniform(cx.shape(), c.seed(), Role.THIRD);
        int[] p = c.pads();
        int span = c.dilation().h() * (c.kernel().h() - 1) + 1, spanW = c.dilation().w() * (c.kernel().w() - 1) + 1;
        int oh = cx.shape().dim(-2), ow = cx.shape().dim(-1);
        HW outputPadding = HW.of(c.h() - ((oh - 1) * c.stride().h() - 2 * p[0] + span), c.w() - ((ow - 1) * c.stride().w() - 2 * p[1] + spanW));
        ConvTranspose2dAttrs t = new ConvTranspose2dAttrs(c.stride(), HW.of(p[0], p[1]), outputPadding, c.groups(), c.dilation());
        Tensor ty = ConvTranspose2d.apply(convT.kernel(), y, w, null, t);
        if (!ty.shape().equals(x.shape())) {
            throw new AssertionError(convT + " returned " + ty.shape() + " for the adjoint of " + x.shape());
        }
        double lhs = dot(cx, y), rhs = dot(x, ty);
        double magnitude = dot(Conv2d.apply(conv.kernel(), Nchw.abs(x), Nchw.abs(w), null, c.attrs()), Nchw.abs(y));
        double tol = 4.0 * c.reduction() * U * magnitude + 1e-12;
        if (!(Math.abs(lhs - rhs) <= tol)) {
            throw new AssertionError(conv + " / " + convT + ": <conv(x), y> = " + lhs + " but <x, convT(y)> = " + rhs + " (output_padding="
                    + outputPadding + ", tolerance " + tol + ")");
        }
    }

    static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.getFlat(i) * b.getFlat(i);
        }
        return s;
    }
}
