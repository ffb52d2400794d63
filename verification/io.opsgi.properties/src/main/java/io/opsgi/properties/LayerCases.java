package io.opsgi.properties;

import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;
import static io.opsgi.properties.Generators.tensor;

import io.opsgi.op.Add;
import io.opsgi.op.AddKernel;
import io.opsgi.op.HW;
import io.opsgi.op.Linear;
import io.opsgi.op.LinearKernel;
import io.opsgi.op.Upsample;
import io.opsgi.op.UpsampleAttrs.ScaleFactor;
import io.opsgi.op.UpsampleAttrs;
import io.opsgi.op.UpsampleKernel;
import io.opsgi.op.UpsampleMode;
import io.opsgi.properties.Generators.Mutation;
import io.opsgi.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of linear, add and upsample cases, valid and invalid (one broken rule each). */
final class LayerCases {
    private LayerCases() {
    }

    // ---------------------------------------------------------------- linear

    /** Up to three leading dimensions (the first may be an empty batch), up to 40 input and 9 output features. */
    static Arbitrary<LinearCase> linear() {
        Arbitrary<List<Integer>> leading = ints(0, 3).flatMap(r -> Combinators.combine(Generators.batch(), ints(1, 3).list().ofSize(Math.max(0, r - 1)))
                .as((b, rest) -> {
                    List<Integer> l = new ArrayList<>();
                    if (r > 0) {
                        l.add(b);
                        l.addAll(rest);
                    }
                    return l;
                }));
        Arbitrary<Integer> in = Arbitraries.frequency(Tuple.of(1, 0), Tuple.of(12, 1)).flatMap(zero -> zero == 0 ? Arbitraries.just(0) : ints(1, 40));
        return Combinators.combine(leading, in, ints(0, 9), Arbitraries.of(true, false), seeds()).as(LinearCase::new);
    }

    private static Invalid<LinearKernel> linearCall(LinearCase c, String rule, String change, Shape x, Shape w, Shape b) {
        return new Invalid<>("linear", rule, c + " but " + change,
                k -> Linear.apply(k, tensor(x, c.seed()), tensor(w, c.seed()), b == null ? null : tensor(b, c.seed())));
    }

    static final List<Mutation<LinearCase, LinearKernel>> LINEAR_MUTATIONS = List.of(
            new Mutation<>("input_rank", c -> linearCall(c, "input_rank", "input=[] (a scalar)", Shape.of(), c.weightShape(), null)),
            new Mutation<>("weight_rank", c -> linearCall(c, "weight_rank", "weight=[" + c.out() + ", " + c.in() + ", 1]", c.inputShape(),
                    Shape.of(c.out(), c.in(), 1), null)),
            new Mutation<>("input_features", c -> linearCall(c, "input_features", "weight=[" + c.out() + ", " + (c.in() + 1) + "]",
                    c.inputShape(), Shape.of(c.out(), c.in() + 1), null)),
            new Mutation<>("bias_shape", c -> linearCall(c, "bias_shape", "bias=[" + (c.out() + 1) + "]", c.inputShape(), c.weightShape(),
                    Shape.of(c.out() + 1))));

    static Arbitrary<Invalid<LinearKernel>> linearInvalid() {
        return Generators.invalid(linear(), LINEAR_MUTATIONS);
    }

    // ---------------------------------------------------------------- add

    static Arbitrary<AddCase> add() {
        return Combinators.combine(ints(0, 4).flatMap(r -> ints(0, 5).list().ofSize(r)), seeds()).as(AddCase::new);
    }

    static final List<Mutation<AddCase, AddKernel>> ADD_MUTATIONS = List.of(
            new Mutation<>("shape_mismatch", c -> {
                List<Integer> other = new ArrayList<>(c.shape());
                if (other.isEmpty()) {
                    other.add(2);
                } else {
                    other.set(other.size() - 1, other.get(other.size() - 1) + 1);
                }
                return new Invalid<>("add", "shape_mismatch", c + " but other=" + other,
                        k -> Add.apply(k, tensor(SeededData.shape(c.shape()), c.seed()), tensor(SeededData.shape(other), c.seed())));
            }));

    static Arbitrary<Invalid<AddKernel>> addInvalid() {
        return Generators.invalid(add(), ADD_MUTATIONS);
    }

    // ---------------------------------------------------------------- upsample

    private static final List<Double> SCALES = List.of(0.5, 0.75, 1.0, 1.3, 1.5, 2.0, 2.2, 2.5, 3.0);

    /** Small planes (1 to 9), one to three channels (one channel takes PyTorch's channels-last shortcuts), a size or a scale. */
    static Arbitrary<UpsampleCase> upsample() {
        Arbitrary<UpsampleMode> modes = Arbitraries.of(UpsampleMode.class);
        return Combinators.combine(Generators.batch(), ints(1, 3), ints(1, 9), ints(1, 9), modes, Arbitraries.of(true, false), seeds())
                .flatAs((n, c, h, w, mode, bySize, seed) -> {
                    Arbitrary<Boolean> align = mode == UpsampleMode.BILINEAR ? Arbitraries.of(Boolean.FALSE, Boolean.TRUE).injectNull(0.3)
                            : Arbitraries.just(null);
                    if (bySize) {
                        return Combinators.combine(Generators.hw(1, 16), align)
                                .as((size, a) -> new UpsampleCase(n, c, h, w, mode, size, null, a, false, seed));
                    }
                    return Combinators.combine(Arbitraries.of(SCALES), Arbitraries.of(SCALES), align, Arbitraries.of(false, true))
                            .as((sh, sw, a, recompute) -> new UpsampleCase(n, c, h, w, mode, null, new ScaleFactor(sh, sw), a, recompute, seed))
                            .filter(u -> u.oh() >= 1 && u.ow() >= 1);
                });
    }

    private static Invalid<UpsampleKernel> upsampleCall(UpsampleCase c, String rule, String change, Shape x, java.util.function.Supplier<UpsampleAttrs> a) {
        return new Invalid<>("upsample", rule, c + " but " + change, k -> Upsample.apply(k, tensor(x, c.seed()), a.get()));
    }

    private static Invalid<UpsampleKernel> upsampleByName(UpsampleCase c, String rule, String change, Map<String, Object> attrs) {
        return new Invalid<>("upsample", rule, c + " but " + change,
                k -> Upsample.OPERATOR.run(k, attrs, Map.of("input", tensor(c.inputShape(), c.seed()))));
    }

    static final List<Mutation<UpsampleCase, UpsampleKernel>> UPSAMPLE_MUTATIONS = List.of(
            new Mutation<>("size_or_scale_factor", c -> upsampleCall(c, "size_or_scale_factor", "size=[2, 2] and scale_factor=[2.0, 2.0]",
                    c.inputShape(), () -> new UpsampleAttrs(HW.of(2), new ScaleFactor(2, 2), c.mode(), c.alignCorners(), false))),
            new Mutation<>("size_or_scale_factor", c -> upsampleCall(c, "size_or_scale_factor", "neither size nor scale_factor",
                    c.inputShape(), () -> new UpsampleAttrs(null, null, c.mode(), c.alignCorners(), false))),
            new Mutation<>("recompute_with_size", c -> upsampleCall(c, "recompute_with_size", "size=[3, 3], recompute_scale_factor=true",
                    c.inputShape(), () -> new UpsampleAttrs(HW.of(3), null, c.mode(), c.alignCorners(), true))),
            new Mutation<>("align_corners_mode", c -> upsampleCall(c, "align_corners_mode", "mode=nearest, align_corners=false", c.inputShape(),
                    () -> new UpsampleAttrs(c.size(), c.scale(), UpsampleMode.NEAREST, false, c.recompute()))),
            new Mutation<>("upsample_mode", c -> upsampleByName(c, "upsample_mode", "mode='bicubic'", Map.of("scale_factor", 2, "mode", "bicubic"))),
            new Mutation<>("pair_length", c -> upsampleByName(c, "pair_length", "size=[2, 2, 2]", Map.of("size", List.of(2, 2, 2)))),
            new Mutation<>("input_rank", c -> {
                Shape x = Shape.of(c.c(), c.h(), c.w());
                return upsampleCall(c, "input_rank", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("empty_input", c -> {
                Shape x = Shape.of(c.n(), 0, c.h(), c.w());
                return upsampleCall(c, "empty_input", "input=" + x, x, c::attrs);
            }),
            new Mutation<>("output_size_too_small", c -> upsampleCall(c, "output_size_too_small", "scale_factor=[" + 0.5 / c.h() + ", 1.0]",
                    c.inputShape(), () -> new UpsampleAttrs(null, new ScaleFactor(0.5 / c.h(), 1), c.mode(), c.alignCorners(), false))));

    static Arbitrary<Invalid<UpsampleKernel>> upsampleInvalid() {
        return Generators.invalid(upsample(), UPSAMPLE_MUTATIONS);
    }
}
