package io.opsgi.properties;

import io.opsgi.op.OpException;
import io.opsgi.op.Pad;
import io.opsgi.op.PadAttrs;
import io.opsgi.op.PadKernel;
import io.opsgi.op.PadMode;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** F.pad: the kernel contract (bit-exact), its definition, pad-then-crop, and ATen 1.13's crop-then-wrap / narrow-first rules. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1500)
class PadProperties implements KernelContract<PadKernel, PadCase> {

    @Override
    public Class<PadKernel> family() {
        return PadKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<PadCase> valid() {
        return PadBatchNormActivationCases.pad();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<PadKernel>> invalid() {
        return PadBatchNormActivationCases.padInvalid();
    }

    @Override
    public Outputs run(PadKernel kernel, PadCase c, List<Tensor> in) {
        return Outputs.of(Pad.apply(kernel, in.get(0), c.attrs()));
    }

    @Override
    public Shape expectedShape(PadCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(PadCase c) {
        return Pad.outputShape(SeededData.shape(c.shape()), c.attrs());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    /** Output position i of a padded dimension reads input i - pad_begin, mapped by the mode (§7's table); constant reads the value. */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<PadKernel> k, @ForAll PadCase c) {
        Tensor x = c.inputs().get(0);
        Shape out = c.expectedShape();
        int rank = out.rank(), padded = c.pads().size() / 2;
        int[] inDims = x.shape().toArray(), outDims = out.toArray();
        float[] y = new float[out.size()];
        int[] idx = new int[rank];
        for (int flat = 0; flat < y.length; flat++) {
            int rem = flat;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d] = rem % outDims[d];
                rem /= outDims[d];
            }
            int src = 0;
            boolean fill = false;
            for (int d = 0; d < rank; d++) {
                int i = idx[d];
                int pair = rank - 1 - d; // pads pair i pads dimension rank-1-i
                if (pair < padded) {
                    i = Nchw.padSource(c.mode(), i - c.pads().get(2 * pair), inDims[d]);
                    fill |= i < 0;
                }
                src = src * inDims[d] + Math.max(i, 0);
            }
            y[flat] = fill ? (c.value() == null ? 0f : c.value()) : x.getFlat(src);
        }
        Closeness.assertClose(Closeness.exact("a pad copies elements"), Pad.apply(k.kernel(), x, c.attrs()), Tensor.wrap(out, y), k + " vs the F.pad definition");
    }

    /** Circular pads with a crop on one side and a pad on another, within 1.13's own checks (pad <= size, size >= 0). */
    @Provide
    Arbitrary<PadCase> circularMixed() {
        return Generators.ints(1, 2).flatMap(padded -> Combinators.combine(PadBatchNormActivationCases.dims(padded + 2, 1, 5), Generators.ints(-6, 5).list().ofSize(2 * padded),
                        Generators.seeds()).as((shape, pads, seed) -> new PadCase(shape, pads, PadMode.CIRCULAR, null, seed)))
                .filter(c -> c.pads().stream().anyMatch(p -> p < 0) && c.pads().stream().anyMatch(p -> p > 0) && withinTorchsCircularCheck(c));
    }

    private static boolean withinTorchsCircularCheck(PadCase c) {
        for (int i = 0; i < c.pads().size() / 2; i++) {
            int size = c.shape().get(c.shape().size() - 1 - i);
            if (c.pads().get(2 * i) > size || c.pads().get(2 * i + 1) > size || size + c.pads().get(2 * i) + c.pads().get(2 * i + 1) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Circular with mixed signs is ATen 1.13's {@code _pad_circular} (crop, then wrap the cropped copy) where that
     * is deterministic, and refused ({@code circular_wrap_past_crop}) where it reads memory it never wrote.
     */
    @Property
    void circularMixedSignsFollowTorch(@ForAll KernelUnderTest<PadKernel> k, @ForAll("circularMixed") PadCase c) {
        int rank = c.shape().size(), padded = c.pads().size() / 2;
        boolean negative = false, croppedPastInput = false;
        for (int i = 0; i < padded; i++) {
            int size = c.shape().get(rank - 1 - i), pl = c.pads().get(2 * i), pr = c.pads().get(2 * i + 1);
            negative |= size + pl + pr < 0;
            croppedPastInput |= size + Math.min(pl, 0) + Math.min(pr, 0) < 0;
        }
        if (negative || croppedPastInput) {
            Statistics.collect(negative ? "negative size" : "crop past the input");
            assertRefused(k, c, negative ? "output_size_too_small" : "circular_wrap_past_crop");
            return;
        }
        int h = padded == 2 ? c.shape().get(rank - 2) : 1, w = c.shape().get(rank - 1);
        int[] sources = TorchPad.circularSources(c.shape().get(0) * c.shape().get(1), h, w, c.pads());
        if (sources.length > 0 && Arrays.stream(sources).anyMatch(s -> s == TorchPad.UNWRITTEN)) {
            Statistics.collect("reads unwritten memory");
            assertRefused(k, c, "circular_wrap_past_crop");
            return;
        }
        Statistics.collect("deterministic");
        Tensor x = c.inputs().get(0);
        Shape out = c.expectedShape();
        float[] y = new float[sources.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x.getFlat(sources[i]);
        }
        Closeness.assertClose(Closeness.exact("a pad copies elements"), Pad.apply(k.kernel(), x, c.attrs()), Tensor.wrap(out, y),
                k + " vs ATen 1.13's _pad_circular");
    }

    /** Constant pads that may crop more than a side holds, in any rank. */
    @Provide
    Arbitrary<PadCase> constantCrops() {
        return Generators.ints(1, 2).flatMap(padded -> Generators.ints(padded, 4).flatMap(rank -> Combinators.combine(PadBatchNormActivationCases.dims(rank, 1, 4),
                Generators.ints(-6, 3).list().ofSize(2 * padded), Generators.seeds()).as((shape, pads, seed) -> new PadCase(shape, pads, PadMode.CONSTANT, null, seed))));
    }

    /**
     * Constant mode is constant_pad_nd: each side is narrowed first, so a crop past what a side holds is refused
     * ({@code crop_too_large}) even when the other side would make the size positive; what passes matches the definition.
     */
    @Property
    void constantNarrowsEachSideFirst(@ForAll KernelUnderTest<PadKernel> k, @ForAll("constantCrops") PadCase c) {
        if (!TorchPad.constantNarrowsSucceed(c.shape(), c.pads())) {
            Statistics.collect("crop past a side");
            assertRefused(k, c, "crop_too_large");
            return;
        }
        boolean anyPositive = c.pads().stream().anyMatch(p -> p > 0);
        Shape out = c.expectedShape();
        for (int i = 0; i < c.pads().size() / 2; i++) {
            if (anyPositive && out.dim(out.rank() - 1 - i) == 0) { // "resulted in a negative output size" (new_dim > 0)
                Statistics.collect("empty padded dimension");
                assertRefused(k, c, "output_size_too_small");
                return;
            }
        }
        Statistics.collect("answered");
        matchesDefinition(k, c);
    }

    private static void assertRefused(KernelUnderTest<PadKernel> k, PadCase c, String rule) {
        try {
            Tensor y = Pad.apply(k.kernel(), c.inputs().get(0), c.attrs());
            throw new AssertionError(k + ": " + c + " must be refused with " + rule + ", got output of size " + y.shape());
        } catch (OpException e) {
            if (!rule.equals(e.rule())) {
                throw new AssertionError(k + ": " + c + " must be refused with " + rule + ", got " + e.rule() + ": " + e.getMessage(), e);
            }
        }
    }

    @Provide
    Arbitrary<PadCase> growing() {
        return valid().map(c -> new PadCase(c.shape(), c.pads().stream().map(Math::abs).toList(), c.mode(), c.value(), c.seed()))
                .filter(PadBatchNormActivationCases::padValid);
    }

    /** Padding by p >= 0 (any mode), then cropping by -p (a constant-mode narrow), gives back the input bit for bit. */
    @Property
    void padThenCropIsTheIdentity(@ForAll KernelUnderTest<PadKernel> k, @ForAll("growing") PadCase c) {
        Tensor x = c.inputs().get(0);
        Tensor padded = Pad.apply(k.kernel(), x, c.attrs());
        int[] crop = c.pads().stream().mapToInt(p -> -p).toArray();
        Tensor back = Pad.apply(k.kernel(), padded, new PadAttrs(crop, PadMode.CONSTANT, null));
        Closeness.assertClose(Closeness.exact("a pad copies elements"), back, x, k + ": pad then crop");
    }
}
