package io.opsgi.properties;

import io.opsgi.op.BatchNorm;
import io.opsgi.op.BatchNormAttrs;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** batch_norm: the kernel contract (output and updated running statistics) and the standard-parameters law. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(150)
class BatchNormProperties implements KernelContract<BatchNormKernel, BatchNormCase> {

    @Override
    public Class<BatchNormKernel> family() {
        return BatchNormKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<BatchNormCase> valid() {
        return OtherCases.batchNorm();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<BatchNormKernel>> invalid() {
        return OtherCases.batchNormInvalid();
    }

    @Override
    public Outputs run(BatchNormKernel kernel, BatchNormCase c, List<Tensor> in) {
        BatchNorm.Result r = BatchNorm.apply(kernel, in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), c.attrs());
        return new Outputs(Arrays.asList(r.output(), r.runningMean(), r.runningVar()), null);
    }

    @Override
    public Shape expectedShape(BatchNormCase c) {
        return Data.shape(c.shape());
    }

    @Override
    public Shape contractShape(BatchNormCase c) {
        return Data.shape(c.shape()); // batch_norm has no shape function: the output has the input's shape
    }

    @Override
    public Closeness closeness(BatchNormCase c) {
        // training reduces N*spatial values per channel (twice: mean, then variance)
        return Closeness.reduction(c.training() ? 4 * c.perChannel() : 4);
    }

    /** Inference with running mean 0, running var 1, weight 1, bias 0 is x / sqrt(1 + eps). */
    @Property
    void standardParametersScaleByInverseSqrt(@ForAll Impl<BatchNormKernel> k, @ForAll BatchNormCase c) {
        Tensor x = c.inputs().get(0);
        Shape ch = Shape.of(c.channels());
        Tensor y = BatchNorm.apply(k.kernel(), x, Tensor.zeros(c.channels()), Tensor.full(ch, 1f), Tensor.full(ch, 1f), Tensor.zeros(c.channels()),
                BatchNormAttrs.inference(c.eps())).output();
        double[] expected = new double[x.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = x.getFlat(i) / Math.sqrt(1 + c.eps());
        }
        Tensor e = Tensor.wrap(x.shape(), toFloat(expected));
        Closeness.assertClose(Closeness.reduction(4), y, e, k + ": batch_norm(x, mean 0, var 1, weight 1, bias 0, eps " + c.eps() + ")");
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
