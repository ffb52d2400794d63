package io.opsgi.properties;

import io.opsgi.op.Activations;
import io.opsgi.op.SoftmaxKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** softmax and log_softmax: the kernel contract, normalisation, and log_softmax = log(softmax). */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1500)
class SoftmaxProperties implements KernelContract<SoftmaxKernel, SoftmaxCase> {

    @Override
    public Class<SoftmaxKernel> family() {
        return SoftmaxKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<SoftmaxCase> valid() {
        return PadBatchNormActivationCases.softmax();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<SoftmaxKernel>> invalid() {
        return PadBatchNormActivationCases.softmaxInvalid();
    }

    @Override
    public Outputs run(SoftmaxKernel kernel, SoftmaxCase c, List<Tensor> in) {
        return Outputs.of(Activations.softmax(kernel, in.get(0), c.dim(), c.log()));
    }

    @Override
    public Shape expectedShape(SoftmaxCase c) {
        return SeededData.shape(c.shape());
    }

    @Override
    public Shape contractShape(SoftmaxCase c) {
        return SeededData.shape(c.shape());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input");
    }

    @Override
    public Map<String, Object> torchAttrs(SoftmaxCase c) {
        return Map.of("dim", c.dim());
    }

    /** exp(x - max) / sum exp(x - max) along dim, and (x - max) - log sum exp(x - max), in float64. */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<SoftmaxKernel> k, @ForAll SoftmaxCase c) {
        Assume.that(k.serves(c.op()));
        Tensor x = c.inputs().get(0);
        int channels = c.shape().get(c.axis()), inner = 1;
        for (int d = c.axis() + 1; d < c.shape().size(); d++) {
            inner *= c.shape().get(d);
        }
        float[] y = new float[x.size()];
        for (int o = 0; o < x.size() / (channels * inner); o++) {
            for (int i = 0; i < inner; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int ch = 0; ch < channels; ch++) {
                    max = Math.max(max, x.getFlat((o * channels + ch) * inner + i));
                }
                for (int ch = 0; ch < channels; ch++) {
                    sum += Math.exp(x.getFlat((o * channels + ch) * inner + i) - max);
                }
                for (int ch = 0; ch < channels; ch++) {
                    int at = (o * channels + ch) * inner + i;
                    double shifted = x.getFlat(at) - max;
                    y[at] = (float) (c.log() ? shifted - Math.log(sum) : Math.exp(shifted) / sum);
                }
            }
        }
        Tensor expected = Tensor.wrap(x.shape(), y);
        Closeness.assertClose(tolerance(c, List.of(x), expected), run(k.kernel(), c, List.of(x)).main(), expected, k + " vs the " + c.op() + " definition");
    }

    /** Along dim, softmax is positive and sums to 1 (float32 rounding: C terms of at most 1). */
    @Property
    void softmaxSumsToOne(@ForAll KernelUnderTest<SoftmaxKernel> k, @ForAll SoftmaxCase c) {
        Assume.that(k.serves("softmax"));
        Tensor y = Activations.softmax(k.kernel(), c.inputs().get(0), c.dim(), false);
        int channels = c.shape().get(c.axis()), inner = 1;
        for (int d = c.axis() + 1; d < c.shape().size(); d++) {
            inner *= c.shape().get(d);
        }
        int outer = y.size() / (channels * inner);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double sum = 0;
                for (int ch = 0; ch < channels; ch++) {
                    float v = y.getFlat((o * channels + ch) * inner + i);
                    if (!(v > 0)) {
                        throw new AssertionError(k + ": softmax element " + v + " is not positive at slice " + o + "/" + i);
                    }
                    sum += v;
                }
                if (Math.abs(sum - 1) > 2e-7 * channels + 1e-7) {
                    throw new AssertionError(k + ": softmax over dim " + c.dim() + " sums to " + sum + " at slice " + o + "/" + i);
                }
            }
        }
    }

    /** log_softmax equals the log of softmax (float32 values of magnitude <= ~log(C) + 4 here). */
    @Property
    void logSoftmaxIsLogOfSoftmax(@ForAll KernelUnderTest<SoftmaxKernel> k, @ForAll SoftmaxCase c) {
        Assume.that(k.serves("softmax") && k.serves("log_softmax"));
        Tensor x = c.inputs().get(0);
        Tensor s = Activations.softmax(k.kernel(), x, c.dim(), false), ls = Activations.softmax(k.kernel(), x, c.dim(), true);
        for (int i = 0; i < s.size(); i++) {
            double expected = Math.log(s.getFlat(i));
            if (Math.abs(ls.getFlat(i) - expected) > 1e-5 * (1 + Math.abs(expected))) {
                throw new AssertionError(k + ": log_softmax " + ls.getFlat(i) + " but log(softmax) " + expected + " at " + i);
            }
        }
    }
}
