package io.opsgi.properties;

import io.opsgi.op.Activations;
import io.opsgi.op.PReluKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** prelu: the kernel contract and its formula, bit for bit. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1500)
class PReluProperties implements KernelContract<PReluKernel, PReluCase> {

    @Override
    public Class<PReluKernel> family() {
        return PReluKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<PReluCase> valid() {
        return PadBatchNormActivationCases.prelu();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<PReluKernel>> invalid() {
        return PadBatchNormActivationCases.preluInvalid();
    }

    @Override
    public Outputs run(PReluKernel kernel, PReluCase c, List<Tensor> in) {
        return Outputs.of(Activations.prelu(kernel, in.get(0), in.get(1)));
    }

    @Override
    public Shape expectedShape(PReluCase c) {
        return SeededData.shape(c.shape());
    }

    @Override
    public Shape contractShape(PReluCase c) {
        return SeededData.shape(c.shape());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "weight");
    }

    /** y = x >= 0 ? x : weight[c] * x, c the index along dimension 1 (a 1-D input has one channel). */
    @Property
    void matchesFormula(@ForAll KernelUnderTest<PReluKernel> k, @ForAll PReluCase c) {
        List<Tensor> in = c.inputs();
        Tensor x = in.get(0), w = in.get(1);
        int channels = c.shape().size() >= 2 ? c.shape().get(1) : 1;
        int inner = x.size() / Math.max(1, (c.shape().size() >= 2 ? c.shape().get(0) : 1) * channels);
        float[] y = new float[x.size()];
        for (int i = 0; i < y.length; i++) {
            float v = x.getFlat(i), slope = w.getFlat(w.size() == 1 ? 0 : (i / inner) % channels);
            y[i] = v >= 0 ? v : slope * v;
        }
        Closeness.assertClose(Closeness.exact("one comparison and one multiply"), Activations.prelu(k.kernel(), x, w), Tensor.wrap(x.shape(), y), k + " vs the prelu formula");
    }
}
