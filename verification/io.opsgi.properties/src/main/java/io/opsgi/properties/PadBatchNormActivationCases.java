package io.opsgi.properties;

import static io.opsgi.properties.Generators.batch;
import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;
import static io.opsgi.properties.Generators.tensor;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.BatchNorm;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Operators;
import io.opsgi.op.PReluKernel;
import io.opsgi.op.Pad;
import io.opsgi.op.PadAttrs;
import io.opsgi.op.PadKernel;
import io.opsgi.op.PadMode;
import io.opsgi.op.SoftmaxKernel;
import io.opsgi.properties.Generators.Mutation;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of pad, batch_norm and activation cases, valid and invalid. */
final class PadBatchNormActivationCases {
    private PadBatchNormActivationCases() {
    }

    /** Tensor dimensions, each in [lo, hi], of the given rank. */
    static Arbitrary<List<Integer>> dims(int rank, int lo, int hi) {
        return ints(lo, hi).list().ofSize(rank);
    }

    static Arbitrary<List<Integer>> anyShape(int minRank, int maxRank, int maxDim) {
        return ints(minRank, maxRank).flatMap(r -> dims(r, 1, maxDim));
    }

    // ---------------------------------------------------------------- pad

    static Arbitrary<PadCase> pad() {
        Arbitrary<PadMode> modes = Arbitraries.frequency(Tuple.of(4, PadMode.CONSTANT), Tuple.of(2, PadMode.REFLECT), Tuple.of(2, PadMode.REPLICATE),
                Tuple.of(2, PadMode.CIRCULAR));
        return Combinators.combine(modes, ints(1, 2)).as(Tuple::of).flatMap(mp -> {
            PadMode mode = mp.get1();
            int padded = mp.get2();
            // F.pad 1.13: constant any rank >= padded; reflect/replicate padded+1 or +2; circular padded+2 only
            int lo = switch (mode) {
                case CONSTANT -> padded;
                case REFLECT, REPLICATE -> padded + 1;
                case CIRCULAR -> padded + 2;
            };
            int hi = mode == PadMode.CONSTANT ? 4 : padded + 2;
            Arbitrary<Float> value = mode == PadMode.CONSTANT ? Arbitraries.of(0f, 1.5f, -2.25f, Float.NaN).injectNull(0.4)
                    : Arbitraries.just(0f).injectNull(0.85); // PyTorch tolerates value=0 for every mode
            return ints(lo, hi).flatMap(rank -> Combinators.combine(dims(rank, 1, 5), ints(-3, 3).list().ofSize(2 * padded), value, seeds())
                    .as((shape, pads, v, seed) -> new PadCase(shape, pads, mode, v, seed))
                    .filter(PadBatchNormActivationCases::padValid));
        });
    }

    /**
     * Every padded dimension keeps at least one element and respects its mode's limits: constant narrows each side
     * first; no mixed-sign circular pads here (PadProperties.circularMixedSignsFollowTorch has them).
     */
    static boolean padValid(PadCase c) {
        if (c.mode() == PadMode.CONSTANT && !TorchPad.constantNarrowsSucceed(c.shape(), c.pads())) {
            return false;
        }
        for (int i = 0; i < c.pads().size() / 2; i++) {
            int size = c.shape().get(c.shape().size() - 1 - i), l = c.pads().get(2 * i), r = c.pads().get(2 * i + 1);
            if (size + l + r < 1) {
                return false;
            }
            if (c.mode() == PadMode.REFLECT && (l >= size || r >= size)) {
                return false;
            }
            if (c.mode() == PadMode.CIRCULAR && (l > size || r > size || (long) l * r < 0)) {
                return false;
            }
        }
        return true;
    }

    private static Invalid<PadKernel> padCall(PadCase c, String rule, String change, Shape x, java.util.function.Supplier<PadAttrs> attrs) {
        return new Invalid<>("pad", rule, c + " but " + change, k -> Pad.apply(k, tensor(x, c.seed()), attrs.get()));
    }

    private static int last(PadCase c) {
        return c.shape().get(c.shape().size() - 1);
    }

    static final List<Mutation<PadCase, PadKernel>> PAD_MUTATIONS = List.of(
            new Mutation<>("pad_length", c -> padCall(c, "pad_length", "pad=[1, 1, 1]", SeededData.shape(c.shape()),
                    () -> new PadAttrs(new int[] {1, 1, 1}, c.mode(), c.value()))),
            new Mutation<>("pad_length", c -> padCall(c, "pad_length", "pad=[1, 1, 1, 1, 1, 1]", SeededData.shape(c.shape()),
                    () -> new PadAttrs(new int[] {1, 1, 1, 1, 1, 1}, c.mode(), c.value()))),
            new Mutation<>("pad_length", c -> {
                Shape x = Shape.of(last(c));
                return padCall(c, "pad_length", "input=" + x + ", mode=constant, pad=[1, 0, 1, 0]", x, () -> PadAttrs.constant(0f, 1, 0, 1, 0));
            }),
            new Mutation<>("pad_mode", c -> new Invalid<>("pad", "pad_mode", c + " but mode='edge'",
                    k -> Pad.OPERATOR.run(k, Map.of("pad", c.pads(), "mode", "edge"), Map.of("input", tensor(SeededData.shape(c.shape()), c.seed()))))),
            new Mutation<>("pad_mode_rank", c -> {
                Shape x = Shape.of(2, last(c));
                return padCall(c, "pad_mode_rank", "input=" + x + ", mode=reflect, pad=[1, 0, 1, 0]", x, () -> PadAttrs.of(PadMode.REFLECT, 1, 0, 1, 0));
            }),
            new Mutation<>("pad_mode_rank", c -> {
                Shape x = Shape.of(2, last(c));
                return padCall(c, "pad_mode_rank", "input=" + x + ", mode=circular, pad=[1, 1]", x, () -> PadAttrs.of(PadMode.CIRCULAR, 1, 1));
            }),
            new Mutation<>("value_needs_constant", c -> {
                PadMode m = c.mode() == PadMode.CONSTANT ? PadMode.REPLICATE : c.mode();
                Shape x = c.mode() == PadMode.CONSTANT ? Shape.of(1, last(c)) : SeededData.shape(c.shape());
                int[] pads = c.mode() == PadMode.CONSTANT ? new int[] {1, 1} : c.attrs().pads();
                return padCall(c, "value_needs_constant", "input=" + x + ", mode=" + m + ", value=1.5", x, () -> new PadAttrs(pads, m, 1.5f));
            }),
            new Mutation<>("reflect_pad_too_large", c -> {
                Shape x = Shape.of(1, last(c));
                return padCall(c, "reflect_pad_too_large", "input=" + x + ", mode=reflect, pad=[0, " + last(c) + "]", x,
                        () -> PadAttrs.of(PadMode.REFLECT, 0, last(c)));
            }),
            new Mutation<>("circular_pad_too_large", c -> {
                Shape x = Shape.of(1, 1, last(c));
                return padCall(c, "circular_pad_too_large", "input=" + x + ", mode=circular, pad=[" + (last(c) + 1) + ", 0]", x,
                        () -> PadAttrs.of(PadMode.CIRCULAR, last(c) + 1, 0));
            }),
            new Mutation<>("crop_too_large", c -> {
                // constant_pad_nd narrows the left side first: a crop past the size fails whatever the right side adds
                Shape x = Shape.of(1, last(c));
                return padCall(c, "crop_too_large", "input=" + x + ", mode=constant, pad=[" + (-last(c) - 1) + ", 2]", x,
                        () -> PadAttrs.constant(0f, -last(c) - 1, 2));
            }),
            new Mutation<>("output_size_too_small", c -> {
                Shape x = Shape.of(1, 1, last(c));
                return padCall(c, "output_size_too_small", "input=" + x + ", mode=replicate, pad=[" + (-last(c) - 1) + ", 0]", x,
                        () -> PadAttrs.of(PadMode.REPLICATE, -last(c) - 1, 0));
            }),
            new Mutation<>("circular_wrap_past_crop", c -> {
                // 1.13 checks the pad against the whole size, but wraps only what the crop left
                Shape x = Shape.of(1, 1, last(c) + 1);
                return padCall(c, "circular_wrap_past_crop", "input=" + x + ", mode=circular, pad=[" + (last(c) + 1) + ", -1]", x,
                        () -> PadAttrs.of(PadMode.CIRCULAR, last(c) + 1, -1));
            }),
            new Mutation<>("output_size_too_small", c -> {
                // a crop to an empty width while the height grows: constant_pad_nd refuses it
                Shape x = Shape.of(2, last(c));
                return padCall(c, "output_size_too_small", "input=" + x + ", mode=constant, pad=[" + (-last(c)) + ", 0, 1, 0]", x,
                        () -> PadAttrs.constant(0f, -last(c), 0, 1, 0));
            }),
            new Mutation<>("empty_input", c -> {
                Shape x = Shape.of(0, last(c));
                PadMode m = c.mode() == PadMode.REPLICATE ? PadMode.REPLICATE : PadMode.REFLECT;
                return padCall(c, "empty_input", "input=" + x + ", mode=" + m + ", pad=[0, 0]", x, () -> PadAttrs.of(m, 0, 0));
            }));

    static Arbitrary<Invalid<PadKernel>> padInvalid() {
        return Generators.invalid(pad(), PAD_MUTATIONS);
    }

    // ---------------------------------------------------------------- batch_norm

    static Arbitrary<BatchNormCase> batchNorm() {
        Arbitrary<List<Integer>> shape = ints(2, 4).flatMap(rank -> Combinators.combine(batch(), ints(1, 4), dims(rank - 2, 1, 5))
                .as((n, c, spatial) -> {
                    List<Integer> s = new ArrayList<>(List.of(n, c));
                    s.addAll(spatial);
                    return s;
                }));
        return Combinators.combine(shape, Arbitraries.of(false, true), Arbitraries.of(0.1, 0.5, 1.0), Arbitraries.of(1e-5, 1e-3, 0.5),
                Arbitraries.of(true, false).list().ofSize(4), seeds())
                .as((s, training, momentum, eps, given, seed) -> new BatchNormCase(s, training, momentum, eps,
                        !training || given.get(0), !training || given.get(1), given.get(2), given.get(3), seed))
                .filter(c -> !c.training() || c.perChannel() != 1);
    }

    private static Invalid<BatchNormKernel> bnCall(BatchNormCase c, String rule, String change, Shape x, boolean training, Tensor mean, Tensor var,
            Tensor weight) {
        return new Invalid<>("batch_norm", rule, c + " but " + change,
                k -> BatchNorm.apply(k, tensor(x, c.seed()), mean, var, weight, null, new io.opsgi.op.BatchNormAttrs(training, c.momentum(), c.eps())));
    }

    static final List<Mutation<BatchNormCase, BatchNormKernel>> BATCH_NORM_MUTATIONS = List.of(
            new Mutation<>("input_rank", c -> {
                Shape x = Shape.of(c.channels());
                Tensor p = SeededData.between(Shape.of(c.channels()), c.seed(), SeededData.Role.VAR, 0.1f, 2f);
                return bnCall(c, "input_rank", "input=" + x, x, c.training(), p, p, null);
            }),
            new Mutation<>("running_stats_required", c -> bnCall(c, "running_stats_required", "training=false, running_mean=none",
                    SeededData.shape(c.shape()), false, null, SeededData.between(Shape.of(c.channels()), c.seed(), SeededData.Role.VAR, 0.1f, 2f), null)),
            new Mutation<>("single_value_per_channel", c -> {
                Shape x = Shape.of(1, c.channels(), 1, 1);
                return bnCall(c, "single_value_per_channel", "training=true, input=" + x, x, true, null, null, null);
            }),
            new Mutation<>("param_size", c -> {
                Tensor p = SeededData.between(Shape.of(c.channels()), c.seed(), SeededData.Role.VAR, 0.1f, 2f);
                return bnCall(c, "param_size", "weight=[" + (c.channels() + 1) + "]", SeededData.shape(c.shape()), c.training(), p, p,
                        tensor(Shape.of(c.channels() + 1), c.seed()));
            }),
            new Mutation<>("param_size", c -> {
                Tensor bad = SeededData.between(Shape.of(c.channels() + 1), c.seed(), SeededData.Role.VAR, 0.1f, 2f);
                Tensor p = SeededData.between(Shape.of(c.channels()), c.seed(), SeededData.Role.VAR, 0.1f, 2f);
                return bnCall(c, "param_size", "running_var=[" + (c.channels() + 1) + "]", SeededData.shape(c.shape()), c.training(), p, bad, null);
            }));

    static Arbitrary<Invalid<BatchNormKernel>> batchNormInvalid() {
        return Generators.invalid(batchNorm(), BATCH_NORM_MUTATIONS);
    }

    // ---------------------------------------------------------------- activations

    static Arbitrary<ActivationAttrs> activationAttrs(Arbitrary<Activation> fns) {
        Arbitrary<float[]> hardtanh = Arbitraries.of(new float[] {-1f, 1f}, new float[] {0f, 6f}, new float[] {-0.5f, 0.25f}, new float[] {1f, -1f});
        // {gamma, 1 if ONNX's form} (hardsigmoid's alpha/beta, selu's alpha/gamma): PyTorch's form in half the cases
        Arbitrary<float[]> onnx = Arbitraries.of(new float[] {ActivationAttrs.ONNX_SELU_GAMMA, 0}, new float[] {ActivationAttrs.ONNX_SELU_GAMMA, 1},
                new float[] {2f, 1}, new float[] {0.5f, 1});
        return Combinators.combine(fns, Arbitraries.of(0.01f, 0.2f, -0.5f, 1.5f), Arbitraries.of(1f, 0.5f, -1f, 2f, 0.2f, ActivationAttrs.ONNX_SELU_ALPHA),
                hardtanh, Arbitraries.of(1f, 2f, 0.5f), Arbitraries.of(20f, 1f, 5f), Arbitraries.of(false, true), onnx)
                .as((fn, slope, alpha, mm, beta, threshold, tanh, o) -> new ActivationAttrs(fn, slope,
                        alpha, mm[0], mm[1], beta, threshold, tanh, o[0], o[1] == 1));
    }

    /** Cases of those of {@code fns} that some element-wise kernel under test serves (all of them, on the plain JVM). */
    static Arbitrary<ActivationCase> activation(Activation... fns) {
        List<Activation> served = Kernels.served(ElementwiseKernel.class, List.of(fns), Activation::op);
        return Combinators.combine(activationAttrs(Arbitraries.of(served)), anyShape(1, 4, 6), Arbitraries.of(false, true), seeds())
                .as(ActivationCase::new);
    }

    static Arbitrary<ActivationCase> activation() {
        return activation(Activation.values());
    }

    static final List<Mutation<ActivationCase, ElementwiseKernel>> ACTIVATION_MUTATIONS = List.of(
            new Mutation<>("alpha_nonzero", c -> new Invalid<>("celu", "alpha_nonzero", c + " but celu(alpha=0)",
                    k -> Activations.apply(k, tensor(SeededData.shape(c.shape()), c.seed()), ActivationAttrs.celu(0f)))),
            new Mutation<>("approximate", c -> new Invalid<>("gelu", "approximate", c + " but gelu(approximate='fast')",
                    k -> Operators.get("gelu").run(k, Map.of("approximate", "fast"), Map.of("input", tensor(SeededData.shape(c.shape()), c.seed()))))));

    static Arbitrary<Invalid<ElementwiseKernel>> activationInvalid() {
        return Generators.invalid(activation(), ACTIVATION_MUTATIONS);
    }

    static Arbitrary<SoftmaxCase> softmax() {
        return anyShape(1, 4, 6).flatMap(s -> Combinators.combine(ints(-s.size(), s.size() - 1), Arbitraries.of(false, true), seeds())
                .as((dim, log, seed) -> new SoftmaxCase(s, dim, log, seed)));
    }

    static final List<Mutation<SoftmaxCase, SoftmaxKernel>> SOFTMAX_MUTATIONS = List.of(
            new Mutation<>("dim_range", c -> new Invalid<>(c.op(), "dim_range", c + " but dim=" + c.shape().size(),
                    k -> Activations.softmax(k, tensor(SeededData.shape(c.shape()), c.seed()), c.shape().size(), c.log()))),
            new Mutation<>("dim_range", c -> new Invalid<>(c.op(), "dim_range", c + " but dim=" + (-c.shape().size() - 1),
                    k -> Activations.softmax(k, tensor(SeededData.shape(c.shape()), c.seed()), -c.shape().size() - 1, c.log()))));

    static Arbitrary<Invalid<SoftmaxKernel>> softmaxInvalid() {
        return Generators.invalid(softmax(), SOFTMAX_MUTATIONS);
    }

    static Arbitrary<PReluCase> prelu() {
        return Combinators.combine(anyShape(1, 4, 6), Arbitraries.of(true, false), seeds()).as(PReluCase::new);
    }

    static final List<Mutation<PReluCase, PReluKernel>> PRELU_MUTATIONS = List.of(
            new Mutation<>("input_rank", c -> new Invalid<>("prelu", "input_rank", c + " but input=[] (a scalar)",
                    k -> Activations.prelu(k, Tensor.of(Shape.of(), 1f), Tensor.of(Shape.of(1), 0.25f)))),
            new Mutation<>("weight_rank", c -> new Invalid<>("prelu", "weight_rank", c + " but weight=[1, " + c.slopes() + "]",
                    k -> Activations.prelu(k, tensor(SeededData.shape(c.shape()), c.seed()), tensor(Shape.of(1, c.slopes()), c.seed())))),
            new Mutation<>("weight_size", c -> {
                int channels = c.shape().size() >= 2 ? c.shape().get(1) : 1;
                return new Invalid<>("prelu", "weight_size", c + " but weight=[" + (channels + 1) + "]",
                        k -> Activations.prelu(k, tensor(SeededData.shape(c.shape()), c.seed()), tensor(Shape.of(channels + 1), c.seed())));
            }));

    static Arbitrary<Invalid<PReluKernel>> preluInvalid() {
        return Generators.invalid(prelu(), PRELU_MUTATIONS);
    }
}
