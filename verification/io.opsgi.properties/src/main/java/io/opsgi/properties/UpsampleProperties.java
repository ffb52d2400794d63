package io.opsgi.properties;

import io.opsgi.op.ToleranceClass;
import io.opsgi.op.Upsample;
import io.opsgi.op.UpsampleAttrs;
import io.opsgi.op.UpsampleKernel;
import io.opsgi.op.UpsampleMode;
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

/**
 * upsample: the kernel contract, nearest as PyTorch 1.13's float index formula (bit for bit),
 * bilinear and bicubic against their float64 definitions, and laws that need no formula: integer scales repeat
 * pixels, constants stay constant, bilinear stays within each plane's range.
 */
@Domain(DomainContext.Global.class)
@Tries(600)
class UpsampleProperties implements KernelContract<UpsampleKernel, UpsampleCase> {

    @Override
    public Class<UpsampleKernel> family() {
        return UpsampleKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<UpsampleCase> valid() {
        return LayerCases.upsample();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<UpsampleKernel>> invalid() {
        return LayerCases.upsampleInvalid();
    }

    @Override
    public Outputs run(UpsampleKernel kernel, UpsampleCase c, List<Tensor> in) {
        return Outputs.of(Upsample.apply(kernel, in.get(0), c.attrs()));
    }

    @Override
    public Shape expectedShape(UpsampleCase c) {
        return Shape.of(c.n(), c.c(), c.oh(), c.ow());
    }

    @Override
    public Shape contractShape(UpsampleCase c) {
        return Upsample.outputShape(c.inputShape(), c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    @Override
    public Map<String, Object> torchAttrs(UpsampleCase c) {
        return Map.of("mode", c.mode().torch());
    }

    /** The scale used for source positions, written independently of the contract: 1/scale if a scale was given (and kept), else in/out. */
    private static float ratio(UpsampleCase c, int in, int out, double scale) {
        boolean keptScale = c.scale() != null && !c.recompute();
        if (c.mode() == UpsampleMode.BILINEAR && Boolean.TRUE.equals(c.alignCorners())) {
            return out > 1 ? (float) (in - 1) / (float) (out - 1) : 0f;
        }
        return keptScale && scale > 0 ? (float) (1.0 / scale) : (float) in / (float) out;
    }

    /** nearest: y[o] = x[min(floor(float(ratio) * o), in - 1)], except PyTorch's channels-last shortcuts for C = 1 or H = W = 1. */
    private static int nearestSource(UpsampleCase c, int o, int in, int out, double scale) {
        boolean channelsLast = c.c() == 1 || (c.h() == 1 && c.w() == 1);
        if (channelsLast && out == in) {
            return o;
        }
        if (channelsLast && out == 2 * in) {
            return o / 2;
        }
        return Math.min((int) Math.floor(ratio(c, in, out, scale) * (float) o), in - 1);
    }

    @Provide
    Arbitrary<UpsampleCase> nearest() {
        return LayerCases.upsample().filter(c -> c.mode() == UpsampleMode.NEAREST);
    }

    @Provide
    Arbitrary<UpsampleCase> bilinear() {
        return LayerCases.upsample().filter(c -> c.mode() == UpsampleMode.BILINEAR);
    }

    /** nearest copies the pixel PyTorch 1.13's float formula names, bit for bit. */
    @Property
    void nearestCopiesTheSourcePixel(@ForAll("kernels") KernelUnderTest<UpsampleKernel> k, @ForAll("nearest") UpsampleCase c) {
        double sh = c.scale() == null ? 0 : c.scale().h(), sw = c.scale() == null ? 0 : c.scale().w();
        Tensor want = Interpolation.nearest(c.inputs().get(0), expectedShape(c), i -> nearestSource(c, i, c.h(), c.oh(), sh),
                j -> nearestSource(c, j, c.w(), c.ow(), sw));
        Closeness.assertClose(Closeness.exact("a copy"), run(k.kernel(), c, c.inputs()).main(), want, k + " vs nearest");
    }

    /** An integer scale s repeats every pixel s x s times (whatever kernel path PyTorch takes). */
    @Property
    void integerScaleRepeatsPixels(@ForAll("kernels") KernelUnderTest<UpsampleKernel> k, @ForAll("nearest") UpsampleCase c) {
        int s = 1 + (int) (c.seed() % 3);
        Tensor input = c.inputs().get(0);
        Tensor y = Upsample.apply(k.kernel(), input, UpsampleAttrs.nearest(s));
        Nchw x = Nchw.of(input), out = Nchw.of(y);
        for (int n = 0; n < c.n(); n++) {
            for (int ch = 0; ch < c.c(); ch++) {
                for (int i = 0; i < c.h() * s; i++) {
                    for (int j = 0; j < c.w() * s; j++) {
                        if (out.at(n, ch, i, j) != x.at(n, ch, i / s, j / s)) {
                            throw new AssertionError(k + ": scale " + s + " output " + List.of(n, ch, i, j) + " is " + out.at(n, ch, i, j)
                                    + ", not the input pixel " + List.of(n, ch, i / s, j / s) + " = " + x.at(n, ch, i / s, j / s));
                        }
                    }
                }
            }
        }
    }

    /** bilinear = its definition in float64 (positions and weights in double), within the interpolation bound. */
    @Property
    void bilinearMatchesDefinition(@ForAll("kernels") KernelUnderTest<UpsampleKernel> k, @ForAll("bilinear") UpsampleCase c) {
        Tensor input = c.inputs().get(0);
        double sh = c.scale() == null ? 0 : c.scale().h(), sw = c.scale() == null ? 0 : c.scale().w();
        Tensor want = Interpolation.bilinear(input, expectedShape(c), i -> source(c, i, c.h(), c.oh(), sh), j -> source(c, j, c.w(), c.ow(), sw));
        Closeness.assertClose(ToleranceClass.interpolation(input), run(k.kernel(), c, c.inputs()).main(), want, k + " vs the bilinear definition");
    }

    @Provide
    Arbitrary<UpsampleCase> bicubic() {
        return LayerCases.upsample().filter(c -> c.mode() == UpsampleMode.BICUBIC);
    }

    /** bicubic = Keys' kernel with A = -0.75 over four border-clamped taps, positions in double (not clamped at 0), within the cubic interpolation bound. */
    @Property
    void bicubicMatchesDefinition(@ForAll("kernels") KernelUnderTest<UpsampleKernel> k, @ForAll("bicubic") UpsampleCase c) {
        Tensor input = c.inputs().get(0);
        double sh = c.scale() == null ? 0 : c.scale().h(), sw = c.scale() == null ? 0 : c.scale().w();
        Tensor want = Interpolation.separable(input, expectedShape(c), i -> Interpolation.cubicTaps(cubicSource(c, i, c.h(), c.oh(), sh), c.h(), -0.75),
                j -> Interpolation.cubicTaps(cubicSource(c, j, c.w(), c.ow(), sw), c.w(), -0.75));
        Closeness.assertClose(ToleranceClass.cubicInterpolation(input), run(k.kernel(), c, c.inputs()).main(), want, k + " vs the bicubic definition");
    }

    /** The bicubic source position of output o in double: align_corners or half-pixel, negative positions kept. */
    private static double cubicSource(UpsampleCase c, int o, int in, int out, double scale) {
        boolean align = Boolean.TRUE.equals(c.alignCorners());
        double ratio = align ? (out > 1 ? (in - 1.0) / (out - 1.0) : 0) : (c.scale() != null && !c.recompute() ? 1 / scale : (double) in / out);
        return align ? ratio * o : ratio * (o + 0.5) - 0.5;
    }

    /** {i0, i1, lambda1} of output o in double: out = in copies; else the align_corners or half-pixel position, clamped at 0. */
    private static double[] source(UpsampleCase c, int o, int in, int out, double scale) {
        if (out == in) {
            return new double[] {o, o, 0};
        }
        boolean align = Boolean.TRUE.equals(c.alignCorners());
        double ratio = align ? (out > 1 ? (in - 1.0) / (out - 1.0) : 0) : (c.scale() != null && !c.recompute() ? 1 / scale : (double) in / out);
        double real = align ? ratio * o : Math.max(0, ratio * (o + 0.5) - 0.5);
        int i0 = Math.min((int) real, in - 1);
        return new double[] {i0, i0 < in - 1 ? i0 + 1 : i0, real - i0};
    }

    /** Every bilinear output is a convex combination: within its plane's [min, max], up to rounding. */
    @Property
    void bilinearStaysWithinThePlaneRange(@ForAll("kernels") KernelUnderTest<UpsampleKernel> k, @ForAll("bilinear") UpsampleCase c) {
        Interpolation.assertWithinPlaneRanges(k, c.inputs().get(0), run(k.kernel(), c, c.inputs()).main());
    }

    /**
     * A constant plane stays that constant: the weights of each blend sum to 1 (to rounding). Bilinear
     * rounds three times per output: 3 ulp. Bicubic's float weights sum to 1 only within a few roundings
     * and each output takes 4 products and 3 sums per axis over partial sums up to 1.375|v| (Σ|w| at
     * t = 0.5): about 24u|v| in all, up to 48 ulp of v; PyTorch 1.13 itself moves a constant by up to
     * 22 ulp (3000 random shapes), the direct kernel by 27 (20000).
     */
    @Property
    void constantsStayConstant(@ForAll("kernels") KernelUnderTest<UpsampleKernel> k, @ForAll("valid") UpsampleCase c) {
        float v = (float) (c.seed() % 1000) / 7f - 50f;
        Tensor y = Upsample.apply(k.kernel(), Tensor.full(c.inputShape(), v), c.attrs());
        int ulps = c.mode() == UpsampleMode.BICUBIC ? 48 : 3;
        for (int i = 0; i < y.size(); i++) {
            if (Math.abs(y.getFlat(i) - v) > ulps * Math.ulp(v)) {
                throw new AssertionError(k + ": the constant " + v + " became " + y.getFlat(i) + " at " + i);
            }
        }
    }
}
