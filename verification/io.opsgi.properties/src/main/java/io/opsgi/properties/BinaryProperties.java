package io.opsgi.properties;

import io.opsgi.op.Binary;
import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BinaryOp;
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

/**
 * add, sub, mul, div, pow: the kernel contract and IEEE arithmetic's laws under torch's broadcasting, bit
 * for bit, on data with +-0, +-inf and NaN: the formula element by element, broadcasting equals
 * explicit expansion, add and mul commute, a - b = a + (-b).
 */
@Domain(DomainContext.Global.class)
@Tries(600)
class BinaryProperties implements KernelContract<BinaryKernel, BinaryCase> {

    @Override
    public Class<BinaryKernel> family() {
        return BinaryKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<BinaryCase> valid() {
        return LayerCases.binary();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<BinaryKernel>> invalid() {
        return LayerCases.binaryInvalid();
    }

    @Override
    public Outputs run(BinaryKernel kernel, BinaryCase c, List<Tensor> in) {
        return Outputs.of(Binary.apply(kernel, c.fn(), in.get(0), in.get(1)));
    }

    @Override
    public Shape expectedShape(BinaryCase c) {
        return SeededData.shape(c.outputShape());
    }

    @Override
    public Shape contractShape(BinaryCase c) {
        return Binary.outputShape(c.op(), SeededData.shape(c.input()), SeededData.shape(c.other()));
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "other");
    }

    /**
     * One IEEE operation in Java's float arithmetic, the formula every kernel must reproduce; pow is the double
     * power rounded to float, with C99 powf's answer 1 where Java's pow says NaN (1 ** anything, (-1) ** +-inf).
     */
    static float formula(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> a == 1 || (a == -1 && Float.isInfinite(b)) ? 1 : (float) StrictMath.pow(a, b);
            // torch.maximum/minimum: NaN wins; of two equal values (zeros of either sign) the input's
            case MAXIMUM -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : b > a ? b : a;
            case MINIMUM -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : b < a ? b : a;
        };
    }

    /** y[i] = input[broadcast index] op other[broadcast index] for every output index, bit for bit. */
    @Property
    void matchesFormula(@ForAll("kernels") KernelUnderTest<BinaryKernel> k, @ForAll("valid") BinaryCase c) {
        Assume.that(k.serves(c.op()));
        List<Tensor> in = c.inputs();
        Shape out = expectedShape(c);
        float[] y = new float[out.size()];
        int[] index = new int[out.rank()];
        for (int i = 0; i < y.length; i++) {
            for (int d = out.rank() - 1, rest = i; d >= 0; d--) {
                index[d] = rest % out.dim(d);
                rest /= out.dim(d);
            }
            y[i] = formula(c.fn(), in.get(0).getFlat(BinaryCase.operandIndex(c.input(), index)), in.get(1).getFlat(BinaryCase.operandIndex(c.other(), index)));
        }
        Closeness.assertClose(Closeness.exact("one IEEE " + c.op()), Binary.apply(k.kernel(), c.fn(), in.get(0), in.get(1)), Tensor.wrap(out, y),
                k + " vs input " + c.fn().symbol() + " other");
    }

    /** Broadcasting is expansion: the same kernel on both operands expanded to the output's shape gives the same bits. */
    @Property
    void broadcastingEqualsExplicitExpansion(@ForAll("kernels") KernelUnderTest<BinaryKernel> k, @ForAll("valid") BinaryCase c) {
        Assume.that(k.serves(c.op()));
        List<Tensor> in = c.inputs();
        Shape out = expectedShape(c);
        Tensor a = expand(in.get(0), c.input(), out), b = expand(in.get(1), c.other(), out);
        Closeness.assertClose(Closeness.exact("broadcasting is expansion"), Binary.apply(k.kernel(), c.fn(), in.get(0), in.get(1)),
                Binary.apply(k.kernel(), c.fn(), a, b), k + ": broadcast vs expanded operands");
    }

    /** a + b = b + a and a * b = b * a, bit for bit (the operands trade places in the broadcast too). */
    @Property
    void addAndMulCommute(@ForAll("kernels") KernelUnderTest<BinaryKernel> k, @ForAll("valid") BinaryCase c) {
        Assume.that(k.serves(c.op()) && (c.fn() == BinaryOp.ADD || c.fn() == BinaryOp.MUL));
        List<Tensor> in = c.inputs();
        Closeness.assertClose(Closeness.exact("IEEE " + c.op() + " commutes"), Binary.apply(k.kernel(), c.fn(), in.get(0), in.get(1)),
                Binary.apply(k.kernel(), c.fn(), in.get(1), in.get(0)), k + ": a " + c.fn().symbol() + " b vs b " + c.fn().symbol() + " a");
    }

    /** The valid cases, all as sub. */
    @Provide
    Arbitrary<BinaryCase> subtractions() {
        return valid().map(c -> new BinaryCase(BinaryOp.SUB, c.input(), c.other(), c.seed()));
    }

    /** IEEE defines a - b as a + (-b): equal bit for bit, zeros included (x - x = +0 = x + (-x)). */
    @Property
    void subtractionIsAddingTheNegation(@ForAll("kernels") KernelUnderTest<BinaryKernel> k, @ForAll("subtractions") BinaryCase c) {
        Assume.that(k.serves("sub"));
        List<Tensor> in = c.inputs();
        float[] negated = in.get(1).buffer().clone();
        for (int i = 0; i < negated.length; i++) {
            negated[i] = -negated[i];
        }
        Tensor minusB = Tensor.wrap(in.get(1).shape(), negated);
        Tensor expected = Binary.apply(Kernels.reference(BinaryKernel.class, "add").kernel(), BinaryOp.ADD, in.get(0), minusB);
        Closeness.assertClose(Closeness.exact("a - b = a + (-b)"), Binary.apply(k.kernel(), BinaryOp.SUB, in.get(0), in.get(1)), expected,
                k + ": a - b vs the reference's a + (-b)");
    }

    /** {@code t} (of {@code dims}) repeated along its broadcast dimensions to {@code out}. */
    private static Tensor expand(Tensor t, List<Integer> dims, Shape out) {
        float[] v = new float[out.size()];
        int[] index = new int[out.rank()];
        for (int i = 0; i < v.length; i++) {
            for (int d = out.rank() - 1, rest = i; d >= 0; d--) {
                index[d] = rest % out.dim(d);
                rest /= out.dim(d);
            }
            v[i] = t.getFlat(BinaryCase.operandIndex(dims, index));
        }
        return Tensor.wrap(out, v);
    }
}
