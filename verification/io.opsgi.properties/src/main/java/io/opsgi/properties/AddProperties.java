package io.opsgi.properties;

import io.opsgi.op.Add;
import io.opsgi.op.AddKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** add: the kernel contract and IEEE addition's laws, bit for bit, on data with +-0, +-inf and NaN. */
@Domain(DomainContext.Global.class)
@Tries(600)
class AddProperties implements KernelContract<AddKernel, AddCase> {

    @Override
    public Class<AddKernel> family() {
        return AddKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<AddCase> valid() {
        return LayerCases.add();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<AddKernel>> invalid() {
        return LayerCases.addInvalid();
    }

    @Override
    public Outputs run(AddKernel kernel, AddCase c, List<Tensor> in) {
        return Outputs.of(Add.apply(kernel, in.get(0), in.get(1)));
    }

    @Override
    public Shape expectedShape(AddCase c) {
        return SeededData.shape(c.shape());
    }

    @Override
    public Shape contractShape(AddCase c) {
        return Add.outputShape(SeededData.shape(c.shape()), SeededData.shape(c.shape()));
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "other");
    }

    /** y[i] = a[i] + b[i]: one correctly rounded float addition, as PyTorch computes it. */
    @Property
    void matchesFormula(@ForAll("kernels") KernelUnderTest<AddKernel> k, @ForAll("valid") AddCase c) {
        Assume.that(k.serves(c.op()));
        List<Tensor> in = c.inputs();
        float[] y = new float[in.get(0).size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = in.get(0).getFlat(i) + in.get(1).getFlat(i);
        }
        Closeness.assertClose(Closeness.exact("one IEEE addition"), Add.apply(k.kernel(), in.get(0), in.get(1)), Tensor.wrap(in.get(0).shape(), y),
                k + " vs a + b");
    }

    /** a + b = b + a, bit for bit. */
    @Property
    void commutative(@ForAll("kernels") KernelUnderTest<AddKernel> k, @ForAll("valid") AddCase c) {
        Assume.that(k.serves(c.op()));
        List<Tensor> in = c.inputs();
        Closeness.assertClose(Closeness.exact("IEEE addition commutes"), Add.apply(k.kernel(), in.get(0), in.get(1)),
                Add.apply(k.kernel(), in.get(1), in.get(0)), k + ": a + b vs b + a");
    }

    /** a + (-0) = a for every a, -0 and NaN included (+0 would turn -0 into +0). */
    @Property
    void addingNegativeZeroIsTheIdentity(@ForAll("kernels") KernelUnderTest<AddKernel> k, @ForAll("valid") AddCase c) {
        Assume.that(k.serves(c.op()));
        Tensor a = c.inputs().get(0);
        Closeness.assertClose(Closeness.exact("x + -0 = x"), Add.apply(k.kernel(), a, Tensor.full(a.shape(), -0f)), a, k + ": a + (-0)");
    }
}
