package io.opsgi.properties;

import io.opsgi.op.Pad;
import io.opsgi.op.PadAttrs;
import io.opsgi.op.PadKernel;
import io.opsgi.op.PadMode;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** F.pad: the kernel contract (bit-exact), its definition, and pad-then-crop. */
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
