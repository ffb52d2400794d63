package io.opsgi.properties;

import io.opsgi.op.BatchNorm;
import io.opsgi.op.BatchNormAttrs;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** batch_norm: the kernel contract (output and updated running statistics) and the standard-parameters law. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(1000)
class BatchNormProperties implements KernelContract<BatchNormKernel, BatchNormCase> {

    @Override
    public Class<BatchNormKernel> family() {
        return BatchNormKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<BatchNormCase> valid() {
        return PadBatchNormActivationCases.batchNorm();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<BatchNormKernel>> invalid() {
        return PadBatchNormActivationCases.batchNormInvalid();
    }

    @Override
    public Outputs run(BatchNormKernel kernel, BatchNormCase c, List<Tensor> in) {
        BatchNorm.Result r = BatchNorm.apply(kernel, in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), c.attrs());
        return new Outputs(Arrays.asList(r.output(), r.runningMean(), r.runningVar()), null);
    }

    @Override
    public Shape expectedShape(BatchNormCase c) {
        return SeededData.shape(c.shape());
    }

    @Override
    public Shape contractShape(BatchNormCase c) {
        return SeededData.shape(c.shape()); // batch_norm has no shape function: the output has the input's shape
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "running_mean", "running_var", "weight", "bias");
    }

    @Override
    public Map<String, Object> torchAttrs(BatchNormCase c) {
        return Map.of("training", c.training());
    }

    /**
     * F.batch_norm in float64: inference normalises with the running statistics; training with the
     * batch mean and biased variance, and updates each given running statistic as
     * (1 - m) * running + m * batch (the variance unbiased: * n/(n-1)).
     */
    @Property
    void matchesDefinition(@ForAll KernelUnderTest<BatchNormKernel> k, @ForAll BatchNormCase c) {
        List<Tensor> in = c.inputs();
        Tensor x = in.get(0), mean = in.get(1), var = in.get(2), weight = in.get(3), bias = in.get(4);
        int n = c.shape().get(0), channels = c.channels(), spatial = n == 0 ? 0 : c.perChannel() / n, count = n * spatial;
        double[] y = new double[x.size()];
        double[] bound = new double[x.size()];
        float[] newMean = mean == null ? null : mean.toArray(), newVar = var == null ? null : var.toArray();
        for (int ch = 0; ch < channels; ch++) {
            double mu, v;
            if (c.training()) {
                double sum = 0, sq = 0;
                for (int b = 0; b < n; b++) {
                    for (int s = 0; s < spatial; s++) {
                        sum += x.getFlat((b * channels + ch) * spatial + s);
                    }
                }
                mu = count == 0 ? 0 : sum / count;
                for (int b = 0; b < n; b++) {
                    for (int s = 0; s < spatial; s++) {
                        double d = x.getFlat((b * channels + ch) * spatial + s) - mu;
                        sq += d * d;
                    }
                }
                v = count == 0 ? 0 : sq / count;
                if (count > 0 && newMean != null) {
                    newMean[ch] = (float) ((1 - c.momentum()) * mean.getFlat(ch) + c.momentum() * mu);
                }
                if (count > 0 && newVar != null) {
                    newVar[ch] = (float) ((1 - c.momentum()) * var.getFlat(ch) + c.momentum() * v * count / (count - 1));
                }
            } else {
                mu = mean.getFlat(ch);
                v = var.getFlat(ch);
            }
            double scale = (weight == null ? 1 : weight.getFlat(ch)) / Math.sqrt(v + c.eps()), shift = bias == null ? 0 : bias.getFlat(ch);
            for (int b = 0; b < n; b++) {
                for (int s = 0; s < spatial; s++) {
                    int at = (b * channels + ch) * spatial + s;
                    y[at] = (x.getFlat(at) - mu) * scale + shift;
                    // float32 x - mean loses u*(|x| + |mean|), which 1/sqrt(var + eps) amplifies: the bound follows the terms
                    bound[at] = (Math.abs(x.getFlat(at)) + Math.abs(mu)) * Math.abs(scale) + Math.abs(shift);
                }
            }
        }
        Outputs actual = run(k.kernel(), c, in);
        int terms = c.training() ? 4 * Math.max(1, count) : 4;
        for (int i = 0; i < y.length; i++) {
            double tol = 16 * Math.sqrt(terms) * 0x1p-24 * bound[i];
            if (!(Math.abs(actual.main().getFlat(i) - y[i]) <= tol)) {
                throw new AssertionError(k + " vs the batch_norm definition: element " + i + " is " + actual.main().getFlat(i) + ", expected " + y[i]
                        + " +- " + (float) tol);
            }
        }
        if (newMean != null && c.training()) {
            Tensor e = Tensor.wrap(mean.shape(), newMean);
            Closeness.assertClose(Closeness.reduction(terms, e), actual.tensors().get(1), e, k + " vs the running_mean update");
        }
        if (newVar != null && c.training()) {
            Tensor e = Tensor.wrap(var.shape(), newVar);
            Closeness.assertClose(Closeness.reduction(terms, e), actual.tensors().get(2), e, k + " vs the running_var update");
        }
    }

    /** Inference with running mean 0, running var 1, weight 1, bias 0 is x / sqrt(1 + eps). */
    @Property
    void standardParametersScaleByInverseSqrt(@ForAll KernelUnderTest<BatchNormKernel> k, @ForAll BatchNormCase c) {
        Tensor x = c.inputs().get(0);
        Shape ch = Shape.of(c.channels());
        Tensor y = BatchNorm.apply(k.kernel(), x, Tensor.zeros(c.channels()), Tensor.full(ch, 1f), Tensor.full(ch, 1f), Tensor.zeros(c.channels()),
                BatchNormAttrs.inference(c.eps())).output();
        double[] expected = new double[x.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = x.getFlat(i) / Math.sqrt(1 + c.eps());
        }
        Tensor e = Tensor.wrap(x.shape(), toFloat(expected));
        Closeness.assertClose(Closeness.reduction(4, e), y, e, k + ": batch_norm(x, mean 0, var 1, weight 1, bias 0, eps " + c.eps() + ")");
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
