package io.opsgi.properties;

import io.opsgi.op.Linear;
import io.opsgi.op.LinearKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** linear: the kernel contract, its float64 definition, and two exact laws, for every discovered LinearKernel. */
@Domain(DomainContext.Global.class)
@Tries(600)
class LinearProperties implements KernelContract<LinearKernel, LinearCase> {

    @Override
    public Class<LinearKernel> family() {
        return LinearKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<LinearCase> valid() {
        return LayerCases.linear();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<LinearKernel>> invalid() {
        return LayerCases.linearInvalid();
    }

    @Override
    public Outputs run(LinearKernel kernel, LinearCase c, List<Tensor> in) {
        return Outputs.of(Linear.apply(kernel, in.get(0), in.get(1), in.get(2)));
    }

    /** (leading..., out_features), written here independently of the contract. */
    @Override
    public Shape expectedShape(LinearCase c) {
        List<Integer> dims = new ArrayList<>(c.leading());
        dims.add(c.out());
        return SeededData.shape(dims);
    }

    @Override
    public Shape contractShape(LinearCase c) {
        return Linear.outputShape(c.inputShape(), c.weightShape(), c.bias() ? Shape.of(c.out()) : null);
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "weight", "bias");
    }

    /** y[r, o] = b[o] + sum_i x[r, i] w[o, i] in float64, within the sqrt(K) reduction bound, K = in_features. */
    @Property
    void matchesDefinition(@ForAll("kernels") KernelUnderTest<LinearKernel> k, @ForAll("valid") LinearCase c) {
        Assume.that(k.serves(c.op()));
        List<Tensor> in = c.inputs();
        Tensor x = in.get(0), w = in.get(1), b = in.get(2);
        double[] y = new double[c.rows() * c.out()];
        for (int r = 0; r < c.rows(); r++) {
            for (int o = 0; o < c.out(); o++) {
                double s = b == null ? 0 : b.getFlat(o);
                for (int i = 0; i < c.in(); i++) {
                    s += (double) x.getFlat(r * c.in() + i) * w.getFlat(o * c.in() + i);
                }
                y[r * c.out() + o] = s;
            }
        }
        Tensor expected = Nchw.tensor(expectedShape(c), y);
        Closeness.assertClose(Closeness.reduction(c.in(), expected), run(k.kernel(), c, in).main(), expected, k + " vs the linear definition");
    }

    /** The identity matrix as weight, no bias, gives the input back bit for bit: each sum is x plus exact zeros. */
    @Property
    void identityWeightReturnsTheInput(@ForAll("kernels") KernelUnderTest<LinearKernel> k, @ForAll("valid") LinearCase c) {
        Assume.that(k.serves(c.op()) && c.in() > 0);
        Tensor x = c.inputs().get(0);
        float[] eye = new float[c.in() * c.in()];
        for (int i = 0; i < c.in(); i++) {
            eye[i * c.in() + i] = 1f;
        }
        Tensor y = Linear.apply(k.kernel(), x, Tensor.wrap(Shape.of(c.in(), c.in()), eye), null);
        Closeness.assertClose(Closeness.exact("x*1 plus exact zeros"), y, x, k + ": linear(x, I)");
    }

    /** Each input vector is computed on its own: a batch of rows equals the rows run one at a time. */
    @Property
    void rowsAreIndependent(@ForAll("kernels") KernelUnderTest<LinearKernel> k, @ForAll("valid") LinearCase c) {
        Assume.that(k.serves(c.op()) && c.rows() > 1 && c.in() > 0);
        List<Tensor> in = c.inputs();
        Tensor all = Linear.apply(k.kernel(), in.get(0).reshape(c.rows(), c.in()), in.get(1), in.get(2));
        float[] x = in.get(0).buffer();
        for (int r = 0; r < c.rows(); r++) {
            float[] row = java.util.Arrays.copyOfRange(x, r * c.in(), (r + 1) * c.in());
            Tensor one = Linear.apply(k.kernel(), Tensor.wrap(Shape.of(1, c.in()), row), in.get(1), in.get(2));
            float[] expected = java.util.Arrays.copyOfRange(all.buffer(), r * c.out(), (r + 1) * c.out());
            Closeness.assertClose(Closeness.reduction(c.in(), one), one, Tensor.wrap(Shape.of(1, c.out()), expected), k + " row " + r);
        }
    }
}
