package io.opsgi.properties;

import static io.opsgi.properties.Generators.batch;
import static io.opsgi.properties.Generators.hw;
import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;
import static io.opsgi.properties.Generators.tensor;

import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptiveMaxPool2dKernel;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.AvgPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.HW;
import io.opsgi.op.Kernel;
import io.opsgi.op.LpPool2d;
import io.opsgi.op.LpPool2dAttrs;
import io.opsgi.op.LpPool2dKernel;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dAttrs;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.Operators;
import io.opsgi.properties.Generators.Mutation;
import io.opsgi.tensor.Shape;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of max/avg/lp/adaptive pooling cases, valid and invalid. */
final class PoolCases {
    private PoolCases() {
    }

    /** A sliding window; padding is drawn in [0, 2] and clipped to PyTorch 1.13's limit floor(k/2). */
    private record Window(HW kernel, HW stride, HW padding, HW dilation, boolean ceil) {
        int minSize(int k, int p, int d) {
            return Math.max(1, d * (k - 1) + 1 - 2 * p - 2); // ceil_mode admits inputs a little short of the window
        }
    }

    private static Arbitrary<Window> window(boolean dilated) {
        return Combinators.combine(hw(1, 4), hw(1, 3).injectNull(0.25), hw(0, 2), dilated ? hw(1, 3) : Arbitraries.just(HW.of(1)), Arbitraries.of(false, true))
                .as((k, s, p, d, ceil) -> new Window(k, s, HW.of(Math.min(p.h(), k.h() / 2), Math.min(p.w(), k.w() / 2)), d, ceil));
    }

    private interface Sized<C> {
        C make(Window win, int n, int c, int h, int w, boolean unbatched, long seed);
    }

    private static <C> Arbitrary<C> pooled(boolean dilated, Sized<C> make) {
        return window(dilated).flatMap(win -> {
            HW s = win.stride() == null ? win.kernel() : win.stride();
            int minH = win.minSize(win.kernel().h(), win.padding().h(), win.dilation().h());
            int minW = win.minSize(win.kernel().w(), win.padding().w(), win.dilation().w());
            return Combinators.combine(batch(), ints(1, 3), ints(minH, minH + 2 * s.h() + 3), ints(minW, minW + 2 * s.w() + 3),
                    Arbitraries.of(false, true), seeds())
                    .as((n, c, h, w, unbatched, seed) -> make.make(win, n, c, h, w, unbatched && n == 1, seed))
                    .filter(x -> windowsValid(win, h(x), w(x)));
        });
    }

    // The input size of a generated case, for the window filter.
    private static int h(Object c) {
        return ((PlaneCase) c).h();
    }

    private static int w(Object c) {
        return ((PlaneCase) c).w();
    }

    /** At least one output per dimension, and every window reads at least one input element (else max_pool2d is -inf). */
    private static boolean windowsValid(Window win, int h, int w) {
        HW s = win.stride() == null ? win.kernel() : win.stride();
        int oh = Formulas.windows(h, win.kernel().h(), s.h(), win.padding().h(), win.padding().h(), win.dilation().h(), win.ceil());
        int ow = Formulas.windows(w, win.kernel().w(), s.w(), win.padding().w(), win.padding().w(), win.dilation().w(), win.ceil());
        if (oh < 1 || ow < 1) {
            return false;
        }
        for (int o = 0; o < oh; o++) {
            if (!Formulas.windowTouchesInput(o, h, win.kernel().h(), s.h(), win.padding().h(), win.dilation().h())) {
                return false;
            }
        }
        for (int o = 0; o < ow; o++) {
            if (!Formulas.windowTouchesInput(o, w, win.kernel().w(), s.w(), win.padding().w(), win.dilation().w())) {
                return false;
            }
        }
        return true;
    }

    static Arbitrary<MaxPool2dCase> maxPool2d() {
        return pooled(true, (win, n, c, h, w, unbatched, seed) -> new MaxPool2dCase(n, c, h, w, win.kernel(), win.stride(), win.padding(),
                win.dilation(), win.ceil(), unbatched, seed));
    }

    static Arbitrary<AvgPool2dCase> avgPool2d() {
        Arbitrary<Integer> divisor = Arbitraries.integers().between(-3, 9).filter(d -> d != 0).injectNull(0.7);
        return Combinators.combine(pooled(false, (win, n, c, h, w, unbatched, seed) -> new AvgPool2dCase(n, c, h, w, win.kernel(), win.stride(),
                win.padding(), win.ceil(), true, null, unbatched, seed)), Arbitraries.of(true, false), divisor)
                .as((a, countIncludePad, d) -> a.with(a.padding(), countIncludePad, d));
    }

    static Arbitrary<LpPool2dCase> lpPool2d() {
        Arbitrary<Double> normType = Arbitraries.of(2.0, 1.0, 3.0, 1.5);
        return Combinators.combine(pooled(false, (win, n, c, h, w, unbatched, seed) -> new LpPool2dCase(n, c, h, w, 2.0, win.kernel(),
                win.stride(), win.ceil(), unbatched, seed)), normType)
                .as((l, p) -> new LpPool2dCase(l.n(), l.c(), l.h(), l.w(), p, l.kernel(), l.stride(), l.ceil(), l.unbatched(), l.seed()))
                .filter(l -> windowsValid(new Window(l.kernel(), l.stride(), HW.of(0), HW.of(1), l.ceil()), l.h(), l.w()));
    }

    static Arbitrary<AdaptiveCase> adaptive(String adaptiveOp, String globalOp) {
        Arbitrary<String> op = Arbitraries.frequency(net.jqwik.api.Tuple.of(4, adaptiveOp), net.jqwik.api.Tuple.of(1, globalOp));
        return Combinators.combine(op, batch(), ints(1, 3), ints(1, 8), ints(1, 8), Arbitraries.of(false, true), seeds())
                .as((o, n, c, h, w, unbatched, seed) -> new AdaptiveCase(o, n, c, h, w, null, null, unbatched && n == 1, seed))
                .flatMap(a -> Combinators.combine(ints(0, 2 * a.h()).injectNull(0.15), ints(0, 2 * a.w()).injectNull(0.15))
                        .as((oh, ow) -> new AdaptiveCase(a.op(), a.n(), a.c(), a.h(), a.w(), oh, ow, a.unbatched(), a.seed())));
    }

    // ---------------------------------------------------------------- invalid configurations

    private static <K extends Kernel> Invalid<K> call(String op, Object base, String rule, String change, Consumer<K> call) {
        return new Invalid<>(op, rule, base + " but " + change, call::accept);
    }

    private static Shape input(int n, int c, int h, int w, boolean unbatched) {
        return unbatched ? Shape.of(c, h, w) : Shape.of(n, c, h, w);
    }

    /** Kernel grown so that even ceil_mode gives no window on a 1-row input. */
    private static int tooLargeKernel(int k, int s, int p) {
        return Math.max(k, 2 * p + s + 2);
    }

    static final List<Mutation<MaxPool2dCase, MaxPool2dKernel>> MAX_POOL2D_MUTATIONS = List.of(
            new Mutation<>("stride_positive", c -> maxCall(c, "stride_positive", "stride=[0, 1]",
                    c.inputShape(), () -> new MaxPool2dAttrs(c.kernel(), HW.of(0, 1), c.padding(), c.dilation(), c.ceil()))),
            new Mutation<>("stride_positive", c -> maxCall(c, "stride_positive", "stride=[1, -1]",
                    c.inputShape(), () -> new MaxPool2dAttrs(c.kernel(), HW.of(1, -1), c.padding(), c.dilation(), c.ceil()))),
            new Mutation<>("stride_positive", c -> maxCall(c, "stride_positive", "kernel_size=[0, " + c.kernel().w() + "], stride=default",
                    c.inputShape(), () -> new MaxPool2dAttrs(HW.of(0, c.kernel().w()), null, HW.of(0, c.padding().w()), c.dilation(), c.ceil()))),
            new Mutation<>("kernel_size_positive", c -> maxCall(c, "kernel_size_positive", "kernel_size=[0, " + c.kernel().w() + "], padding=[0, "
                    + c.padding().w() + "], stride=" + c.effectiveStride(), c.inputShape(),
                    () -> new MaxPool2dAttrs(HW.of(0, c.kernel().w()), c.effectiveStride(), HW.of(0, c.padding().w()), c.dilation(), c.ceil()))),
            new Mutation<>("padding_non_negative", c -> maxCall(c, "padding_non_negative", "padding=[-1, " + c.padding().w() + "]",
                    c.inputShape(), () -> new MaxPool2dAttrs(c.kernel(), c.stride(), HW.of(-1, c.padding().w()), c.dilation(), c.ceil()))),
            new Mutation<>("padding_at_most_half_kernel", c -> maxCall(c, "padding_at_most_half_kernel", "padding=[" + c.padding().h() + ", "
                    + (c.kernel().w() / 2 + 1) + "]", c.inputShape(),
                    () -> new MaxPool2dAttrs(c.kernel(), c.stride(), HW.of(c.padding().h(), c.kernel().w() / 2 + 1), c.dilation(), c.ceil()))),
            new Mutation<>("dilation_positive", c -> maxCall(c, "dilation_positive", "dilation=[" + c.dilation().h() + ", 0]",
                    c.inputShape(), () -> new MaxPool2dAttrs(c.kernel(), c.stride(), c.padding(), HW.of(c.dilation().h(), 0), c.ceil()))),
            new Mutation<>("pair_length", c -> new Invalid<>("max_pool2d", "pair_length", c + " but attrs {kernel_size=[2, 2, 2]}",
                    k -> MaxPool2d.OPERATOR.run(k, Map.of("kernel_size", List.of(2, 2, 2)), Map.of("input", tensor(c.inputShape(), c.seed()))))),
            new Mutation<>("input_rank", c -> maxCall(c, "input_rank", "input=[" + c.h() + ", " + c.w() + "]", Shape.of(c.h(), c.w()), c::attrs)),
            new Mutation<>("empty_input", c -> {
                Shape x = input(c.n(), 0, c.h(), c.w(), c.unbatched());
                return maxCall(c, "empty_input", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("output_size_too_small", c -> {
                HW s = c.effectiveStride();
                HW k = HW.of(tooLargeKernel(c.kernel().h(), s.h(), c.padding().h()), c.kernel().w());
                Shape x = input(c.n(), c.c(), 1, c.w(), c.unbatched());
                return maxCall(c, "output_size_too_small", "input=" + x + ", kernel_size=" + k + ", stride=" + s, x,
                        () -> new MaxPool2dAttrs(k, s, c.padding(), c.dilation(), c.ceil()));
            }));

    private static Invalid<MaxPool2dKernel> maxCall(MaxPool2dCase c, String rule, String change, Shape x, java.util.function.Supplier<MaxPool2dAttrs> a) {
        return call("max_pool2d", c, rule, change, (MaxPool2dKernel k) -> MaxPool2d.applyWithIndices(k, tensor(x, c.seed()), a.get()));
    }

    static Arbitrary<Invalid<MaxPool2dKernel>> maxPool2dInvalid() {
        return Generators.invalid(maxPool2d(), MAX_POOL2D_MUTATIONS);
    }

    private static Invalid<AvgPool2dKernel> avgCall(AvgPool2dCase c, String rule, String change, Shape x, java.util.function.Supplier<AvgPool2dAttrs> a) {
        return call("avg_pool2d", c, rule, change, (AvgPool2dKernel k) -> AvgPool2d.apply(k, tensor(x, c.seed()), a.get()));
    }

    static final List<Mutation<AvgPool2dCase, AvgPool2dKernel>> AVG_POOL2D_MUTATIONS = List.of(
            new Mutation<>("stride_positive", c -> avgCall(c, "stride_positive", "stride=[0, 1]", c.inputShape(),
                    () -> new AvgPool2dAttrs(c.kernel(), HW.of(0, 1), c.padding(), c.ceil(), c.countIncludePad(), c.divisorOverride()))),
            new Mutation<>("kernel_size_positive", c -> avgCall(c, "kernel_size_positive", "kernel_size=[" + c.kernel().h() + ", 0], padding=["
                    + c.padding().h() + ", 0], stride=" + c.effectiveStride(), c.inputShape(),
                    () -> new AvgPool2dAttrs(HW.of(c.kernel().h(), 0), c.effectiveStride(), HW.of(c.padding().h(), 0), c.ceil(), c.countIncludePad(),
                            c.divisorOverride()))),
            new Mutation<>("padding_non_negative", c -> avgCall(c, "padding_non_negative", "padding=[-1, " + c.padding().w() + "]", c.inputShape(),
                    () -> new AvgPool2dAttrs(c.kernel(), c.stride(), HW.of(-1, c.padding().w()), c.ceil(), c.countIncludePad(), c.divisorOverride()))),
            new Mutation<>("padding_at_most_half_kernel", c -> avgCall(c, "padding_at_most_half_kernel", "padding=[" + (c.kernel().h() / 2 + 1)
                    + ", " + c.padding().w() + "]", c.inputShape(),
                    () -> new AvgPool2dAttrs(c.kernel(), c.stride(), HW.of(c.kernel().h() / 2 + 1, c.padding().w()), c.ceil(), c.countIncludePad(),
                            c.divisorOverride()))),
            new Mutation<>("divisor_nonzero", c -> avgCall(c, "divisor_nonzero", "divisor_override=0", c.inputShape(),
                    () -> new AvgPool2dAttrs(c.kernel(), c.stride(), c.padding(), c.ceil(), c.countIncludePad(), 0))),
            new Mutation<>("pair_length", c -> new Invalid<>("avg_pool2d", "pair_length", c + " but attrs {padding=[0, 0, 0]}",
                    k -> AvgPool2d.OPERATOR.run(k, Map.of("kernel_size", 2, "padding", List.of(0, 0, 0)),
                            Map.of("input", tensor(c.inputShape(), c.seed()))))),
            new Mutation<>("input_rank", c -> {
                Shape x = Shape.of(1, Math.max(1, c.n()), c.c(), c.h(), c.w());
                return avgCall(c, "input_rank", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("empty_input", c -> {
                Shape x = input(c.n(), c.c(), c.h(), 0, c.unbatched());
                return avgCall(c, "empty_input", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("output_size_too_small", c -> {
                HW s = c.effectiveStride();
                HW k = HW.of(c.kernel().h(), tooLargeKernel(c.kernel().w(), s.w(), c.padding().w()));
                Shape x = input(c.n(), c.c(), c.h(), 1, c.unbatched());
                return avgCall(c, "output_size_too_small", "input=" + x + ", kernel_size=" + k + ", stride=" + s, x,
                        () -> new AvgPool2dAttrs(k, s, c.padding(), c.ceil(), c.countIncludePad(), c.divisorOverride()));
            }));

    static Arbitrary<Invalid<AvgPool2dKernel>> avgPool2dInvalid() {
        return Generators.invalid(avgPool2d(), AVG_POOL2D_MUTATIONS);
    }

    private static Invalid<LpPool2dKernel> lpCall(LpPool2dCase c, String rule, String change, Shape x, java.util.function.Supplier<LpPool2dAttrs> a) {
        return call("lp_pool2d", c, rule, change, (LpPool2dKernel k) -> LpPool2d.apply(k, tensor(x, c.seed()), a.get()));
    }

    static final List<Mutation<LpPool2dCase, LpPool2dKernel>> LP_POOL2D_MUTATIONS = List.of(
            new Mutation<>("norm_type_nonzero", c -> lpCall(c, "norm_type_nonzero", "norm_type=0", c.inputShape(),
                    () -> new LpPool2dAttrs(0, c.kernel(), c.stride(), c.ceil()))),
            new Mutation<>("stride_positive", c -> lpCall(c, "stride_positive", "stride=[1, 0]", c.inputShape(),
                    () -> new LpPool2dAttrs(c.normType(), c.kernel(), HW.of(1, 0), c.ceil()))),
            new Mutation<>("kernel_size_positive", c -> lpCall(c, "kernel_size_positive", "kernel_size=[0, " + c.kernel().w() + "], stride=[1, 1]",
                    c.inputShape(), () -> new LpPool2dAttrs(c.normType(), HW.of(0, c.kernel().w()), HW.of(1), c.ceil()))),
            new Mutation<>("pair_length", c -> new Invalid<>("lp_pool2d", "pair_length", c + " but attrs {kernel_size=[2, 2, 2]}",
                    k -> LpPool2d.OPERATOR.run(k, Map.of("kernel_size", List.of(2, 2, 2)), Map.of("input", tensor(c.inputShape(), c.seed()))))),
            new Mutation<>("input_rank", c -> lpCall(c, "input_rank", "input=[" + c.w() + "]", Shape.of(c.w()), c::attrs)),
            new Mutation<>("empty_input", c -> {
                Shape x = input(c.n(), c.c(), 0, c.w(), c.unbatched());
                return lpCall(c, "empty_input", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("output_size_too_small", c -> {
                HW s = c.stride() == null ? c.kernel() : c.stride();
                HW k = HW.of(tooLargeKernel(c.kernel().h(), s.h(), 0), c.kernel().w());
                Shape x = input(c.n(), c.c(), 1, c.w(), c.unbatched());
                return lpCall(c, "output_size_too_small", "input=" + x + ", kernel_size=" + k + ", stride=" + s, x,
                        () -> new LpPool2dAttrs(c.normType(), k, s, c.ceil()));
            }));

    static Arbitrary<Invalid<LpPool2dKernel>> lpPool2dInvalid() {
        return Generators.invalid(lpPool2d(), LP_POOL2D_MUTATIONS);
    }

    /** Runs an adaptive case's op through the contract, with the given input and output size. */
    static void runAdaptive(Kernel k, String op, Shape x, Integer oh, Integer ow, long seed) {
        var t = tensor(x, seed);
        switch (op) {
            case AdaptivePool2d.AVG: AdaptivePool2d.avg((AdaptiveAvgPool2dKernel) k, t, oh, ow); break;
            case AdaptivePool2d.GLOBAL_AVG: AdaptivePool2d.globalAvg((AdaptiveAvgPool2dKernel) k, t); break;
            case AdaptivePool2d.MAX: AdaptivePool2d.max((AdaptiveMaxPool2dKernel) k, t, oh, ow); break;
            default: AdaptivePool2d.globalMax((AdaptiveMaxPool2dKernel) k, t); break;
        }
    }

    static <K extends Kernel> List<Mutation<AdaptiveCase, K>> adaptiveMutations() {
        return List.of(
                new Mutation<>("output_size_non_negative", c -> c.global() ? null : new Invalid<K>(c.op(), "output_size_non_negative",
                        c + " but output_size=[-1, " + c.ow() + "]", k -> runAdaptive(k, c.op(), c.inputShape(), -1, c.ow(), c.seed()))),
                new Mutation<>("input_rank", c -> new Invalid<K>(c.op(), "input_rank", c + " but input=[" + c.h() + ", " + c.w() + "]",
                        k -> runAdaptive(k, c.op(), Shape.of(c.h(), c.w()), c.oh(), c.ow(), c.seed()))),
                new Mutation<>("empty_input", c -> {
                    Shape x = input(c.n(), c.c(), c.h(), 0, c.unbatched());
                    return new Invalid<K>(c.op(), "empty_input", c + " but input=" + x, k -> runAdaptive(k, c.op(), x, c.oh(), c.ow(), c.seed()));
                }),
                new Mutation<>("empty_input", c -> {
                    // adaptive_max_pool2d refuses C = 0 in a batched input; adaptive_avg_pool2d accepts it (PyTorch 1.13 quirk)
                    if (c.op().contains("avg")) {
                        return null;
                    }
                    Shape x = Shape.of(Math.max(1, c.n()), 0, c.h(), c.w());
                    return new Invalid<K>(c.op(), "empty_input", c + " but input=" + x, k -> runAdaptive(k, c.op(), x, c.oh(), c.ow(), c.seed()));
                }),
                new Mutation<>("pair_length", c -> c.global() ? null : new Invalid<K>(c.op(), "pair_length", c + " but attrs {output_size=[1, 1, 1]}",
                        k -> Operators.get(c.op()).run(k, Map.of("output_size", List.of(1, 1, 1)), Map.of("input", tensor(c.inputShape(), c.seed()))))));
    }

    static Arbitrary<Invalid<AdaptiveAvgPool2dKernel>> adaptiveAvgInvalid() {
        return Generators.invalid(adaptive(AdaptivePool2d.AVG, AdaptivePool2d.GLOBAL_AVG), adaptiveMutations());
    }

    static Arbitrary<Invalid<AdaptiveMaxPool2dKernel>> adaptiveMaxInvalid() {
        return Generators.invalid(adaptive(AdaptivePool2d.MAX, AdaptivePool2d.GLOBAL_MAX), adaptiveMutations());
    }
}
