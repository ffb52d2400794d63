package io.opsgi.properties;

import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;
import static io.opsgi.properties.Generators.tensor;

import io.opsgi.op.HW;
import io.opsgi.op.Resize;
import io.opsgi.op.ResizeAttrs;
import io.opsgi.op.ResizeAttrs.CoordinateTransformation;
import io.opsgi.op.ResizeAttrs.Mode;
import io.opsgi.op.ResizeAttrs.NearestMode;
import io.opsgi.op.ResizeAttrs.Scales;
import io.opsgi.op.ResizeKernel;
import io.opsgi.op.ToleranceClass;
import io.opsgi.properties.Generators.Mutation;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/**
 * resize: the kernel contract, the ONNX Resize spec's formulas written out here (nearest bit for
 * bit, linear and cubic within the interpolation bound), and laws that need no formula: scale 1 is the
 * identity, nearest copies input values, linear stays within each plane's range.
 */
@Domain(DomainContext.Global.class)
@Tries(600)
class ResizeProperties implements KernelContract<ResizeKernel, ResizeCase> {
    private static final List<Double> SCALES = List.of(0.5, 0.6, 0.75, 1.0, 1.3, 1.5, 2.0, 2.2, 3.0);

    @Override
    public Class<ResizeKernel> family() {
        return ResizeKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<ResizeCase> valid() {
        return Combinators.combine(Generators.batch(), ints(1, 3), ints(1, 9), ints(1, 9), Arbitraries.of(Mode.class),
                // tf_crop_and_resize reads a roi these cases do not have: its cases are ResizeContractTest's and the ONNX node cases
                Arbitraries.of(CoordinateTransformation.class).filter(t -> t != CoordinateTransformation.TF_CROP_AND_RESIZE),
                Arbitraries.of(NearestMode.class), seeds())
                .flatAs((n, c, h, w, mode, t, nm, seed) -> Arbitraries.oneOf(
                        Generators.hw(1, 16).map(size -> new ResizeCase(n, c, h, w, mode, t, nm, size, null, seed)),
                        Combinators.combine(Arbitraries.of(SCALES), Arbitraries.of(SCALES))
                                .as((sh, sw) -> new ResizeCase(n, c, h, w, mode, t, nm, null, new Scales(sh, sw), seed))
                                .filter(r -> r.oh() >= 1 && r.ow() >= 1)));
    }

    private static Invalid<ResizeKernel> byName(ResizeCase c, String rule, String change, Map<String, Object> attrs) {
        return new Invalid<>("resize", rule, c + " but " + change, k -> Resize.OPERATOR.run(k, attrs, Map.of("input", tensor(c.inputShape(), c.seed()))));
    }

    private static Invalid<ResizeKernel> call(ResizeCase c, String rule, String change, Shape x, java.util.function.Supplier<ResizeAttrs> a) {
        return new Invalid<>("resize", rule, c + " but " + change, k -> Resize.apply(k, tensor(x, c.seed()), a.get()));
    }

    static final List<Mutation<ResizeCase, ResizeKernel>> MUTATIONS = List.of(
            new Mutation<>("resize_mode", c -> byName(c, "resize_mode", "mode='area'", Map.of("mode", "area", "scales", List.of(2, 2)))),
            new Mutation<>("coordinate_transformation_mode", c -> byName(c, "coordinate_transformation_mode",
                    "coordinate_transformation_mode='tf_crop'", Map.of("coordinate_transformation_mode", "tf_crop", "scales", List.of(2, 2)))),
            new Mutation<>("tf_crop_and_resize_sizes", c -> byName(c, "tf_crop_and_resize_sizes",
                    "coordinate_transformation_mode='tf_crop_and_resize' with scales=[2, 2]", Map.of("coordinate_transformation_mode",
                            "tf_crop_and_resize", "scales", List.of(2, 2)))),
            new Mutation<>("roi_length", c -> byName(c, "roi_length", "roi=[0, 1]", Map.of("roi", List.of(0, 1), "sizes", List.of(2, 2)))),
            new Mutation<>("roi_finite", c -> byName(c, "roi_finite", "roi=[0, 0, NaN, 1]", Map.of("roi", List.of(0.0, 0.0, Double.NaN, 1.0),
                    "sizes", List.of(2, 2)))),
            new Mutation<>("nearest_mode", c -> byName(c, "nearest_mode", "nearest_mode='round'", Map.of("nearest_mode", "round", "scales",
                    List.of(2, 2)))),
            new Mutation<>("scales_or_sizes", c -> call(c, "scales_or_sizes", "scales=[2.0, 2.0] and sizes=[3, 3]", c.inputShape(),
                    () -> new ResizeAttrs(c.mode(), c.transformation(), c.nearestMode(), new Scales(2, 2), HW.of(3)))),
            new Mutation<>("scales_positive", c -> call(c, "scales_positive", "scales=[0.0, 1.0]", c.inputShape(),
                    () -> new ResizeAttrs(c.mode(), c.transformation(), c.nearestMode(), new Scales(0, 1), null))),
            new Mutation<>("pair_length", c -> byName(c, "pair_length", "sizes=[2, 2, 2]", Map.of("sizes", List.of(2, 2, 2)))),
            new Mutation<>("input_rank", c -> {
                Shape x = Shape.of(c.c(), c.h(), c.w());
                return call(c, "input_rank", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("empty_input", c -> {
                Shape x = Shape.of(c.n(), 0, c.h(), c.w());
                return call(c, "empty_input", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("output_size_too_small", c -> call(c, "output_size_too_small", "scales=[" + 0.5 / c.h() + ", 1.0]", c.inputShape(),
                    () -> new ResizeAttrs(c.mode(), c.transformation(), c.nearestMode(), new Scales(0.5 / c.h(), 1), null))));

    @Override
    @Provide
    public Arbitrary<Invalid<ResizeKernel>> invalid() {
        return Generators.invalid(valid(), MUTATIONS);
    }

    @Override
    public Outputs run(ResizeKernel kernel, ResizeCase c, List<Tensor> in) {
        return Outputs.of(Resize.apply(kernel, in.get(0), c.attrs()));
    }

    @Override
    public Shape expectedShape(ResizeCase c) {
        return Shape.of(c.n(), c.c(), c.oh(), c.ow());
    }

    @Override
    public Shape contractShape(ResizeCase c) {
        return Resize.outputShape(c.inputShape(), c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    @Override
    public Map<String, Object> torchAttrs(ResizeCase c) {
        return c.onnxAttrs();
    }

    /** The ONNX Resize spec's source coordinate of output x (in double, as onnx's reference implementation). */
    private static double source(ResizeCase c, int x, int in, int out, double scale) {
        return switch (c.transformation()) {
            case HALF_PIXEL -> (x + 0.5) / scale - 0.5;
            case PYTORCH_HALF_PIXEL -> out > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case ALIGN_CORNERS -> out == 1 ? 0 : (double) x * (in - 1) / (out - 1);
            case ASYMMETRIC -> x / scale;
            case TF_HALF_PIXEL_FOR_NN -> (x + 0.5) / scale;
            case TF_CROP_AND_RESIZE -> throw new IllegalArgumentException("valid() generates no tf_crop_and_resize case (it has no roi)");
        };
    }

    private static int clamp(double i, int in) {
        return (int) Math.max(0, Math.min(in - 1, i));
    }

    private static int nearest(ResizeCase c, double s, int in) {
        double f = Math.floor(s), r = s - f;
        boolean up = switch (c.nearestMode()) {
            case ROUND_PREFER_FLOOR -> r > 0.5;
            case ROUND_PREFER_CEIL -> r >= 0.5;
            case FLOOR -> false;
            case CEIL -> r > 0;
        };
        return clamp(up ? f + 1 : f, in);
    }

    @Provide
    Arbitrary<ResizeCase> nearestCases() {
        return valid().filter(c -> c.mode() == Mode.NEAREST);
    }

    @Provide
    Arbitrary<ResizeCase> linearCases() {
        return valid().filter(c -> c.mode() == Mode.LINEAR);
    }

    /** nearest copies the element the spec names, bit for bit. */
    @Property
    void nearestCopiesTheSpecsElement(@ForAll("kernels") KernelUnderTest<ResizeKernel> k, @ForAll("nearestCases") ResizeCase c) {
        Tensor want = Interpolation.nearest(c.inputs().get(0), expectedShape(c), i -> nearest(c, source(c, i, c.h(), c.oh(), c.scaleH()), c.h()),
                j -> nearest(c, source(c, j, c.w(), c.ow(), c.scaleW()), c.w()));
        Closeness.assertClose(Closeness.exact("a copy"), run(k.kernel(), c, c.inputs()).main(), want, k + " vs ONNX nearest");
    }

    /** linear: the two clamped neighbours per axis, weights 1 - r and r, in double, within the interpolation bound. */
    @Property
    void linearMatchesTheSpec(@ForAll("kernels") KernelUnderTest<ResizeKernel> k, @ForAll("linearCases") ResizeCase c) {
        Tensor input = c.inputs().get(0);
        Tensor want = Interpolation.bilinear(input, expectedShape(c), i -> neighbours(source(c, i, c.h(), c.oh(), c.scaleH()), c.h()),
                j -> neighbours(source(c, j, c.w(), c.ow(), c.scaleW()), c.w()));
        Closeness.assertClose(ToleranceClass.interpolation(input), run(k.kernel(), c, c.inputs()).main(), want, k + " vs ONNX linear");
    }

    @Provide
    Arbitrary<ResizeCase> cubicCases() {
        return valid().filter(c -> c.mode() == Mode.CUBIC);
    }

    /** cubic: Keys' kernel (A = -0.75) over the four edge-clamped taps per axis, in double, within the interpolation bound. */
    @Property
    void cubicMatchesKeysKernel(@ForAll("kernels") KernelUnderTest<ResizeKernel> k, @ForAll("cubicCases") ResizeCase c) {
        Tensor input = c.inputs().get(0);
        Tensor want = Interpolation.separable(input, expectedShape(c), i -> Interpolation.cubicTaps(source(c, i, c.h(), c.oh(), c.scaleH()), c.h(), -0.75),
                j -> Interpolation.cubicTaps(source(c, j, c.w(), c.ow(), c.scaleW()), c.w(), -0.75));
        Closeness.assertClose(ToleranceClass.interpolation(input), run(k.kernel(), c, c.inputs()).main(), want, k + " vs Keys' cubic");
    }

    /** {i0, i1, lambda1} of a source position: its two clamped neighbours, weights 1 - r and r. */
    private static double[] neighbours(double p, int in) {
        return new double[] {clamp(Math.floor(p), in), clamp(Math.floor(p) + 1, in), p - Math.floor(p)};
    }

    /** Scale 1 (or sizes equal to the input) is the identity for every coordinate mode but tf_half_pixel_for_nn, every mode. */
    @Property
    void scaleOneIsTheIdentity(@ForAll("kernels") KernelUnderTest<ResizeKernel> k, @ForAll("valid") ResizeCase c) {
        if (c.transformation() == CoordinateTransformation.TF_HALF_PIXEL_FOR_NN) {
            return; // (x + 0.5)/1 lands on a .5 tie: round_prefer_ceil and ceil read the next element
        }
        Tensor input = c.inputs().get(0);
        Tensor y = Resize.apply(k.kernel(), input, new ResizeAttrs(c.mode(), c.transformation(), c.nearestMode(), null, HW.of(c.h(), c.w())));
        Closeness.assertClose(Closeness.exact("the identity"), y, input, k + ": resize to the input's own size");
    }

    /** Every linear output is a convex combination: within its plane's [min, max], up to rounding. */
    @Property
    void linearStaysWithinThePlaneRange(@ForAll("kernels") KernelUnderTest<ResizeKernel> k, @ForAll("linearCases") ResizeCase c) {
        Interpolation.assertWithinPlaneRanges(k, c.inputs().get(0), run(k.kernel(), c, c.inputs()).main());
    }
}
