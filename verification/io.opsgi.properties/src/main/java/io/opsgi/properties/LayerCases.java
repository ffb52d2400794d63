package io.opsgi.properties;

import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;
import static io.opsgi.properties.Generators.tensor;

import io.opsgi.op.Binary;
import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.HW;
import io.opsgi.op.Linear;
import io.opsgi.op.LinearKernel;
import io.opsgi.op.Matmul;
import io.opsgi.op.MatmulKernel;
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

/** Generators of linear, add/sub/mul/div, matmul and upsample cases, valid and invalid (one broken rule each). */
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

    // ---------------------------------------------------------------- add, sub, mul, div

    /** Output shapes of rank 0 to 4 (sizes 0 to 5); each operand keeps or flattens each dimension to 1 and may drop leading ones. */
    static Arbitrary<BinaryCase> binary() {
        List<BinaryOp> ops = Kernels.served(BinaryKernel.class, List.of(BinaryOp.values()), BinaryOp::op);
        return Combinators.combine(Arbitraries.of(ops), ints(0, 4).flatMap(r -> ints(0, 5).list().ofSize(r)), seeds())
                .flatAs((op, out, seed) -> Combinators.combine(operand(out), operand(out)).as((a, b) -> new BinaryCase(op, a, b, seed)));
    }

    /** An operand broadcastable to {@code out}: mostly {@code out} itself, else some dimensions 1, some leading ones dropped. */
    private static Arbitrary<List<Integer>> operand(List<Integer> out) {
        Arbitrary<Boolean> flatten = Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true));
        Arbitrary<Integer> dropped = Arbitraries.frequency(Tuple.of(3, 0), Tuple.of(1, 1), Tuple.of(1, out.size())).map(d -> Math.min(d, out.size()));
        return Combinators.combine(flatten.list().ofSize(out.size()), dropped).as((ones, drop) -> {
            List<Integer> dims = new ArrayList<>();
            for (int d = drop; d < out.size(); d++) {
                dims.add(ones.get(d) ? 1 : out.get(d));
            }
            return dims;
        });
    }

    static final List<Mutation<BinaryCase, BinaryKernel>> BINARY_MUTATIONS = List.of(
            new Mutation<>("shape_mismatch", c -> {
                // a trailing 2 against a trailing 3: no broadcast joins them, whatever the rest
                List<Integer> input = new ArrayList<>(c.input()), other = new ArrayList<>(c.other());
                input.add(2);
                other.add(3);
                return new Invalid<>(c.op(), "shape_mismatch", c + " but input=" + input + " other=" + other,
                        k -> Binary.apply(k, c.fn(), tensor(SeededData.shape(input), c.seed()), tensor(SeededData.shape(other), c.seed())));
            }));

    static Arbitrary<Invalid<BinaryKernel>> binaryInvalid() {
        return Generators.invalid(binary(), BINARY_MUTATIONS);
    }

    // ---------------------------------------------------------------- matmul

    /** Each operand 1-D (null m or n) or with up to two batch dimensions; batch sizes broadcast (1 against n); m, k, n up to 7, k sometimes 0. */
    static Arbitrary<MatmulCase> matmul() {
        Arbitrary<List<Integer>> batch = ints(0, 2).flatMap(r -> ints(0, 3).list().ofSize(r));
        Arbitrary<Integer> rowsOrVector = ints(0, 7).injectNull(0.2);
        Arbitrary<Integer> k = Arbitraries.frequency(Tuple.of(1, 0), Tuple.of(10, 1)).flatMap(zero -> zero == 0 ? Arbitraries.just(0) : ints(1, 40));
        return Combinators.combine(batch, rowsOrVector, k, rowsOrVector, seeds(), Arbitraries.of(true, false))
                .as((b, m, kk, n, seed, otherBroadcasts) -> {
                    List<Integer> other = new ArrayList<>();
                    for (int i = 0; i < b.size(); i++) {
                        other.add(otherBroadcasts && i % 2 == 0 ? 1 : b.get(i)); // 1 against b: a broadcast batch
                    }
                    List<Integer> a = otherBroadcasts ? b : b.subList(Math.min(1, b.size()), b.size()); // or a missing leading batch dim
                    return new MatmulCase(new ArrayList<>(a), m, kk, other, n, seed);
                });
    }

    static final List<Mutation<MatmulCase, MatmulKernel>> MATMUL_MUTATIONS = List.of(
            new Mutation<>("inner_size", c -> new Invalid<>("matmul", "inner_size", c + " but other=[" + (c.k() + 1) + ", 2]",
                    k -> Matmul.apply(k, tensor(c.inputShape(), c.seed()), tensor(Shape.of(c.k() + 1, 2), c.seed())))),
            new Mutation<>("input_rank", c -> new Invalid<>("matmul", "input_rank", c + " but input=[] (a scalar)",
                    k -> Matmul.apply(k, tensor(Shape.of(), c.seed()), tensor(c.otherShape(), c.seed())))),
            new Mutation<>("shape_mismatch", c -> new Invalid<>("matmul", "shape_mismatch", c + " but batches [2] and [3]",
                    k -> Matmul.apply(k, tensor(Shape.of(2, 1, c.k()), c.seed()), tensor(Shape.of(3, c.k(), 1), c.seed())))));

    static Arbitrary<Invalid<MatmulKernel>> matmulInvalid() {
        return Generators.invalid(matmul(), MATMUL_MUTATIONS);
    }

    // ---------------------------------------------------------------- upsample

    private static final List<Double> SCALES = List.of(0.5, 0.75, 1.0, 1.3, 1.5, 2.0, 2.2, 2.5, 3.0);

    /** Small planes (1 to 9), one to three channels (one channel takes PyTorch's channels-last shortcuts), a size or a scale. */
    static Arbitrary<UpsampleCase> upsample() {
        Arbitrary<UpsampleMode> modes = Arbitraries.of(UpsampleMode.class);
        return Combinators.combine(Generators.batch(), ints(1, 3), ints(1, 9), ints(1, 9), modes, Arbitraries.of(true, false), seeds())
                .flatAs((n, c, h, w, mode, bySize, seed) -> {
                    Arbitrary<Boolean> align = mode.interpolates() ? Arbitraries.of(Boolean.FALSE, Boolean.TRUE).injectNull(0.3)
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
            new Mutation<>("upsample_mode", c -> upsampleByName(c, "upsample_mode", "mode='area'", Map.of("scale_factor", 2, "mode", "area"))),
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
