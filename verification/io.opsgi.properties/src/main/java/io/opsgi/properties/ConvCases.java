package io.opsgi.properties;

import static io.opsgi.properties.Generators.batch;
import static io.opsgi.properties.Generators.hw;
import static io.opsgi.properties.Generators.ints;
import static io.opsgi.properties.Generators.seeds;
import static io.opsgi.properties.Generators.tensor;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.ConvTranspose2d;
import io.opsgi.op.ConvTranspose2dAttrs;
import io.opsgi.op.ConvTranspose2dKernel;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import io.opsgi.properties.Generators.Mutation;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of conv2d and conv_transpose2d cases, valid and invalid. */
final class ConvCases {
    private ConvCases() {
    }

    /** The attribute part of a conv2d case; the input size is drawn afterwards, as it depends on these. */
    private record ConvGeometry(int groups, int cInPerGroup, int cOutPerGroup, HW kernel, HW stride, HW dilation, ConvPadding padding,
            PadMode mode) {
    }

    static Arbitrary<ConvPadding> convPadding() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(ints(0, 3), ints(0, 3)).as(ConvPadding::symmetric)),
                Tuple.of(2, Combinators.combine(ints(0, 3), ints(0, 3), ints(0, 3), ints(0, 3)).as(ConvPadding::explicit)),
                Tuple.of(2, Arbitraries.of(ConvPadding.SAME, ConvPadding.VALID, ConvPadding.SAME_UPPER, ConvPadding.SAME_LOWER)));
    }

    static Arbitrary<Conv2dCase> conv2d() {
        Arbitrary<PadMode> mode = Arbitraries.frequency(Tuple.of(8, PadMode.CONSTANT), Tuple.of(1, PadMode.REFLECT),
                Tuple.of(1, PadMode.REPLICATE), Tuple.of(1, PadMode.CIRCULAR));
        Arbitrary<ConvGeometry> geometry = Combinators.combine(ints(1, 3), ints(1, 3), ints(1, 3), hw(1, 4), hw(1, 3), hw(1, 3), convPadding(), mode)
                .as((g, ci, co, k, s, d, p, m) -> new ConvGeometry(g, ci, co, k,
                        p.kind() == ConvPadding.Kind.SAME ? HW.of(1) : s, // torch 'same' needs stride 1
                        d, p,
                        p.kind() == ConvPadding.Kind.SAME_UPPER || p.kind() == ConvPadding.Kind.SAME_LOWER ? PadMode.CONSTANT : m));
        return geometry.flatMap(geo -> {
            // The smallest input the kernel fits (padded), and that the padding mode accepts.
            Conv2dCase probe = new Conv2dCase(1, 1, 1, 1, 1, geo.kernel(), geo.stride(), geo.padding(), geo.dilation(), 1, geo.mode(), false, false, 0);
            int minH = 1, minW = 1;
            if (geo.padding().kind() != ConvPadding.Kind.SAME_UPPER && geo.padding().kind() != ConvPadding.Kind.SAME_LOWER) {
                int[] p = probe.pads();
                minH = minSize(geo.dilation().h() * (geo.kernel().h() - 1) + 1, p[0], p[2], geo.mode());
                minW = minSize(geo.dilation().w() * (geo.kernel().w() - 1) + 1, p[1], p[3], geo.mode());
            }
            int g = geo.groups();
            return Combinators.combine(batch(), Arbitraries.of(false, true), ints(minH, minH + 5), ints(minW, minW + 5), Arbitraries.of(true, false), seeds())
                    .as((n, unbatched, h, w, bias, seed) -> new Conv2dCase(n, g * geo.cInPerGroup(), h, w, g * geo.cOutPerGroup(), geo.kernel(),
                            geo.stride(), geo.padding(), geo.dilation(), g, geo.mode(), bias,
                            unbatched && n == 1 && geo.mode() != PadMode.CIRCULAR, seed));
        }).filter(c -> (long) c.n() * c.cIn() * c.h() * c.w() <= 2000 && (long) c.expectedShape().size() <= 2000);
    }

    private static int minSize(int span, int padBegin, int padEnd, PadMode mode) {
        int min = Math.max(1, span - padBegin - padEnd);
        if (mode == PadMode.REFLECT) {
            min = Math.max(min, Math.max(padBegin, padEnd) + 1); // reflect: pad < size
        } else if (mode == PadMode.CIRCULAR) {
            min = Math.max(min, Math.max(padBegin, padEnd)); // circular: pad <= size
        }
        return min;
    }

    private static Invalid<Conv2dKernel> conv(Conv2dCase c, String rule, String change, Shape x, Shape w, Shape b, Supplier<Conv2dAttrs> attrs) {
        return new Invalid<>("conv2d", rule, c + " but " + change, k -> {
            Tensor bias = b == null ? null : tensor(b, c.seed());
            Conv2d.apply(k, tensor(x, c.seed()), tensor(w, c.seed()), bias, attrs.get());
        });
    }

    private static Invalid<Conv2dKernel> conv(Conv2dCase c, String rule, String change, Supplier<Conv2dAttrs> attrs) {
        return conv(c, rule, change, c.inputShape(), c.weightShape(), c.bias() ? Shape.of(c.cOut()) : null, attrs);
    }

    private static Invalid<Conv2dKernel> convMap(Conv2dCase c, String rule, String key, Object value) {
        return new Invalid<>("conv2d", rule, c + " but attrs {" + key + "=" + value + "}", k -> {
            Map<String, Object> attrs = new HashMap<>();
            attrs.put(key, value);
            Conv2d.OPERATOR.run(k, attrs, Map.of("input", tensor(c.inputShape(), c.seed()), "weight", tensor(c.weightShape(), c.seed())));
        });
    }

    private static int[] basePads(Conv2dCase c) {
        ConvPadding.Kind kind = c.padding().kind();
        return kind == ConvPadding.Kind.SAME_UPPER || kind == ConvPadding.Kind.SAME_LOWER ? null : c.pads();
    }

    static final List<Mutation<Conv2dCase, Conv2dKernel>> CONV2D_MUTATIONS = List.of(
            new Mutation<>("stride_positive", c -> conv(c, "stride_positive", "stride=[0, " + c.stride().w() + "]",
                    () -> new Conv2dAttrs(HW.of(0, c.stride().w()), c.padding(), c.dilation(), c.groups(), c.mode()))),
            new Mutation<>("stride_positive", c -> conv(c, "stride_positive", "stride=[" + c.stride().h() + ", -1]",
                    () -> new Conv2dAttrs(HW.of(c.stride().h(), -1), c.padding(), c.dilation(), c.groups(), c.mode()))),
            new Mutation<>("padding_non_negative", c -> {
                int[] p = basePads(c) == null ? new int[4] : basePads(c);
                ConvPadding bad = ConvPadding.explicit(p[0], p[1], p[2], -1);
                return conv(c, "padding_non_negative", "padding=" + bad,
                        () -> new Conv2dAttrs(c.stride(), bad, c.dilation(), c.groups(), c.mode()));
            }),
            new Mutation<>("dilation_positive", c -> conv(c, "dilation_positive", "dilation=[" + c.dilation().h() + ", 0]",
                    () -> new Conv2dAttrs(c.stride(), c.padding(), HW.of(c.dilation().h(), 0), c.groups(), c.mode()))),
            new Mutation<>("groups_positive", c -> conv(c, "groups_positive", "groups=0",
                    () -> new Conv2dAttrs(c.stride(), c.padding(), c.dilation(), 0, c.mode()))),
            new Mutation<>("same_needs_stride_1", c -> conv(c, "same_needs_stride_1", "padding=same, stride=[1, 2]",
                    () -> new Conv2dAttrs(HW.of(1, 2), ConvPadding.SAME, c.dilation(), c.groups(), c.mode()))),
            new Mutation<>("padding_string", c -> convMap(c, "padding_string", "padding", "full")),
            new Mutation<>("padding_mode", c -> convMap(c, "padding_mode", "padding_mode", "edge")),
            new Mutation<>("pair_length", c -> convMap(c, "pair_length", "stride", List.of(1, 1, 1))),
            new Mutation<>("input_rank", c -> {
                Shape x = Shape.of(c.cIn() * c.h(), c.w());
                return conv(c, "input_rank", "input=" + x, x, c.weightShape(), null, c::attrs);
            }),
            new Mutation<>("input_rank", c -> {
                Shape x = Shape.of(1, Math.max(1, c.n()), c.cIn(), c.h(), c.w());
                return conv(c, "input_rank", "input=" + x, x, c.weightShape(), null, c::attrs);
            }),
            new Mutation<>("weight_rank", c -> {
                Shape w = Shape.of(c.cOut(), c.cIn() / c.groups(), c.kernel().h());
                return conv(c, "weight_rank", "weight=" + w, c.inputShape(), w, null, c::attrs);
            }),
            new Mutation<>("weight_out_channels", c -> {
                // C_out = 0, or not a multiple of groups
                Shape w = Shape.of(c.groups() == 1 ? 0 : c.cOut() + 1, c.cIn() / c.groups(), c.kernel().h(), c.kernel().w());
                return conv(c, "weight_out_channels", "weight=" + w, c.inputShape(), w, null, c::attrs);
            }),
            new Mutation<>("input_channels", c -> {
                Shape x = c.unbatched() ? Shape.of(c.cIn() + 1, c.h(), c.w()) : Shape.of(c.n(), c.cIn() + 1, c.h(), c.w());
                return conv(c, "input_channels", "input=" + x, x, c.weightShape(), null, c::attrs);
            }),
            new Mutation<>("bias_shape", c -> conv(c, "bias_shape", "bias=[" + (c.cOut() + 1) + "]", c.inputShape(), c.weightShape(),
                    Shape.of(c.cOut() + 1), c::attrs)),
            new Mutation<>("kernel_size_positive", c -> {
                Shape w = Shape.of(c.cOut(), c.cIn() / c.groups(), 0, c.kernel().w());
                return conv(c, "kernel_size_positive", "weight=" + w, c.inputShape(), w, null, c::attrs);
            }),
            new Mutation<>("kernel_too_large", c -> {
                int[] p = basePads(c);
                if (p == null || c.padding().kind() == ConvPadding.Kind.SAME) {
                    return null; // 'same' pads grow with the kernel
                }
                int kh = (c.h() + p[0] + p[2]) / c.dilation().h() + 2;
                Shape w = Shape.of(c.cOut(), c.cIn() / c.groups(), kh, c.kernel().w());
                return conv(c, "kernel_too_large", "weight=" + w, c.inputShape(), w, null, c::attrs);
            }),
            new Mutation<>("empty_input", c -> {
                int[] p = basePads(c);
                if (c.n() == 0 || c.mode() == PadMode.CIRCULAR || p == null) {
                    return null;
                }
                Shape x = c.unbatched() ? Shape.of(c.cIn(), 0, c.w()) : Shape.of(c.n(), c.cIn(), 0, c.w());
                if (c.mode() != PadMode.CONSTANT) {
                    return conv(c, "empty_input", "input=" + x, x, c.weightShape(), null, c::attrs);
                }
                // zero height, padded so that the kernel still fits: PyTorch's "only zero batch or zero channel inputs"
                int eff = c.dilation().h() * (c.kernel().h() - 1) + 1;
                ConvPadding pad = ConvPadding.explicit(eff, p[1], eff, p[3]);
                return conv(c, "empty_input", "input=" + x + ", padding=" + pad, x, c.weightShape(), null,
                        () -> new Conv2dAttrs(c.stride(), pad, c.dilation(), c.groups(), PadMode.CONSTANT));
            }),
            new Mutation<>("reflect_pad_too_large", c -> {
                ConvPadding pad = ConvPadding.symmetric(c.h(), 0);
                return conv(c, "reflect_pad_too_large", "padding_mode=reflect, padding=" + pad,
                        () -> new Conv2dAttrs(c.stride(), pad, c.dilation(), c.groups(), PadMode.REFLECT));
            }),
            new Mutation<>("circular_pad_too_large", c -> {
                ConvPadding pad = ConvPadding.symmetric(0, c.w() + 1);
                Shape x = Shape.of(Math.max(1, c.n()), c.cIn(), c.h(), c.w());
                return conv(c, "circular_pad_too_large", "input=" + x + ", padding_mode=circular, padding=" + pad, x, c.weightShape(), null,
                        () -> new Conv2dAttrs(c.stride(), pad, c.dilation(), c.groups(), PadMode.CIRCULAR));
            }),
            new Mutation<>("pad_mode_rank", c -> {
                Shape x = Shape.of(c.cIn(), c.h(), c.w());
                return conv(c, "pad_mode_rank", "input=" + x + ", padding_mode=circular", x, c.weightShape(), null,
                        () -> new Conv2dAttrs(c.stride(), ConvPadding.of(0), c.dilation(), c.groups(), PadMode.CIRCULAR));
            }));

    static Arbitrary<Invalid<Conv2dKernel>> conv2dInvalid() {
        return Generators.invalid(conv2d(), CONV2D_MUTATIONS);
    }

    // ---------------------------------------------------------------- conv_transpose2d

    private record TransposedGeometry(int groups, int cInPerGroup, int cOutPerGroup, HW kernel, HW stride, HW padding, HW outputPadding,
            HW dilation) {
    }

    static Arbitrary<ConvTranspose2dCase> convTranspose2d() {
        Arbitrary<TransposedGeometry> geometry = Combinators.combine(ints(1, 3), ints(1, 3), ints(1, 3), hw(1, 4), hw(1, 3), hw(0, 3), hw(0, 2), hw(1, 3))
                .as((g, ci, co, k, s, p, op, d) -> new TransposedGeometry(g, ci, co, k, s, p,
                        // output_padding < stride or < dilation, per dimension
                        HW.of(op.h() % Math.max(s.h(), d.h()), op.w() % Math.max(s.w(), d.w())), d));
        return geometry.flatMap(geo -> {
            int minH = minTransposedInput(geo.kernel().h(), geo.stride().h(), geo.padding().h(), geo.dilation().h(), geo.outputPadding().h());
            int minW = minTransposedInput(geo.kernel().w(), geo.stride().w(), geo.padding().w(), geo.dilation().w(), geo.outputPadding().w());
            int g = geo.groups();
            return Combinators.combine(batch(), Arbitraries.of(false, true), ints(minH, minH + 4), ints(minW, minW + 4), Arbitraries.of(true, false), seeds())
                    .as((n, unbatched, h, w, bias, seed) -> new ConvTranspose2dCase(n, g * geo.cInPerGroup(), h, w, g * geo.cOutPerGroup(),
                            geo.kernel(), geo.stride(), geo.padding(), geo.outputPadding(), geo.dilation(), g, bias, unbatched && n == 1, seed));
        }).filter(c -> (long) c.n() * c.cIn() * c.h() * c.w() <= 2000 && (long) c.expectedShape().size() <= 3000);
    }

    /** The smallest input giving an output of at least 1: (h-1)s - 2p + d(k-1) + op + 1 >= 1. */
    private static int minTransposedInput(int k, int s, int p, int d, int op) {
        int deficit = 2 * p - d * (k - 1) - op;
        return deficit <= 0 ? 1 : 1 + (deficit + s - 1) / s;
    }

    private static Invalid<ConvTranspose2dKernel> convT(ConvTranspose2dCase c, String rule, String change, Shape x, Shape w, Shape b,
            Supplier<ConvTranspose2dAttrs> attrs) {
        return new Invalid<>("conv_transpose2d", rule, c + " but " + change, k -> {
            Tensor bias = b == null ? null : tensor(b, c.seed());
            ConvTranspose2d.apply(k, tensor(x, c.seed()), tensor(w, c.seed()), bias, attrs.get());
        });
    }

    private static Invalid<ConvTranspose2dKernel> convT(ConvTranspose2dCase c, String rule, String change, Supplier<ConvTranspose2dAttrs> attrs) {
        return convT(c, rule, change, c.inputShape(), c.weightShape(), null, attrs);
    }

    private static Shape input(ConvTranspose2dCase c, int channels, int h) {
        return c.unbatched() ? Shape.of(channels, h, c.w()) : Shape.of(c.n(), channels, h, c.w());
    }

    static final List<Mutation<ConvTranspose2dCase, ConvTranspose2dKernel>> CONV_TRANSPOSE2D_MUTATIONS = List.of(
            new Mutation<>("stride_positive", c -> convT(c, "stride_positive", "stride=[0, " + c.stride().w() + "]",
                    () -> new ConvTranspose2dAttrs(HW.of(0, c.stride().w()), c.padding(), c.outputPadding(), c.groups(), c.dilation()))),
            new Mutation<>("padding_non_negative", c -> convT(c, "padding_non_negative", "padding=[-1, " + c.padding().w() + "]",
                    () -> new ConvTranspose2dAttrs(c.stride(), HW.of(-1, c.padding().w()), c.outputPadding(), c.groups(), c.dilation()))),
            new Mutation<>("output_padding_non_negative", c -> convT(c, "output_padding_non_negative",
                    "output_padding=[" + c.outputPadding().h() + ", -1]",
                    () -> new ConvTranspose2dAttrs(c.stride(), c.padding(), HW.of(c.outputPadding().h(), -1), c.groups(), c.dilation()))),
            new Mutation<>("dilation_positive", c -> convT(c, "dilation_positive", "dilation=[0, " + c.dilation().w() + "]",
                    () -> new ConvTranspose2dAttrs(c.stride(), c.padding(), c.outputPadding(), c.groups(), HW.of(0, c.dilation().w())))),
            new Mutation<>("groups_positive", c -> convT(c, "groups_positive", "groups=0",
                    () -> new ConvTranspose2dAttrs(c.stride(), c.padding(), c.outputPadding(), 0, c.dilation()))),
            new Mutation<>("output_padding_too_large", c -> {
                HW op = HW.of(Math.max(c.stride().h(), c.dilation().h()), c.outputPadding().w());
                return convT(c, "output_padding_too_large", "output_padding=" + op,
                        () -> new ConvTranspose2dAttrs(c.stride(), c.padding(), op, c.groups(), c.dilation()));
            }),
            new Mutation<>("pair_length", c -> new Invalid<>("conv_transpose2d", "pair_length", c + " but attrs {padding=[0, 0, 0]}",
                    k -> ConvTranspose2d.OPERATOR.run(k, Map.of("padding", List.of(0, 0, 0)),
                            Map.of("input", tensor(c.inputShape(), c.seed()), "weight", tensor(c.weightShape(), c.seed()))))),
            new Mutation<>("input_rank", c -> {
                Shape x = Shape.of(c.cIn() * c.h(), c.w());
                return convT(c, "input_rank", "input=" + x, x, c.weightShape(), null, c::attrs);
            }),
            new Mutation<>("weight_rank", c -> {
                Shape w = Shape.of(c.cIn(), c.cOut() / c.groups(), c.kernel().h() * c.kernel().w());
                return convT(c, "weight_rank", "weight=" + w, c.inputShape(), w, null, c::attrs);
            }),
            new Mutation<>("weight_in_channels", c -> {
                // weight.size(0) = C_in: 0, or not a multiple of groups (the input follows, so only this rule breaks)
                int cIn = c.groups() == 1 ? 0 : c.cIn() + 1;
                Shape x = input(c, cIn, c.h());
                Shape w = Shape.of(cIn, c.cOut() / c.groups(), c.kernel().h(), c.kernel().w());
                return convT(c, "weight_in_channels", "input=" + x + ", weight=" + w, x, w, null, c::attrs);
            }),
            new Mutation<>("input_channels", c -> {
                Shape x = input(c, c.cIn() + 1, c.h());
                return convT(c, "input_channels", "input=" + x, x, c.weightShape(), null, c::attrs);
            }),
            new Mutation<>("bias_shape", c -> convT(c, "bias_shape", "bias=[" + (c.cOut() + 1) + "]", c.inputShape(), c.weightShape(),
                    Shape.of(c.cOut() + 1), c::attrs)),
            new Mutation<>("kernel_size_positive", c -> {
                Shape w = Shape.of(c.cIn(), c.cOut() / c.groups(), c.kernel().h(), 0);
                return convT(c, "kernel_size_positive", "weight=" + w, c.inputShape(), w, null, c::attrs);
            }),
            new Mutation<>("empty_input", c -> {
                if (c.n() == 0) {
                    return null;
                }
                Shape x = input(c, c.cIn(), 0);
                return convT(c, "empty_input", "input=" + x, x, c.weightShape(), null, c::attrs);
            }),
            new Mutation<>("output_size_too_small", c -> {
                int full = (c.h() - 1) * c.stride().h() + c.dilation().h() * (c.kernel().h() - 1) + c.outputPadding().h() + 1;
                HW pad = HW.of(full / 2 + 1, c.padding().w());
                return convT(c, "output_size_too_small", "padding=" + pad,
                        () -> new ConvTranspose2dAttrs(c.stride(), pad, c.outputPadding(), c.groups(), c.dilation()));
            }));

    static Arbitrary<Invalid<ConvTranspose2dKernel>> convTranspose2dInvalid() {
        return Generators.invalid(convTranspose2d(), CONV_TRANSPOSE2D_MUTATIONS);
    }
}
