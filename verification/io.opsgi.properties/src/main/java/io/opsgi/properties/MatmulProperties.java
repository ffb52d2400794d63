package io.opsgi.properties;

import io.opsgi.op.Matmul;
import io.opsgi.op.MatmulKernel;
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

/**
 * matmul: the kernel contract, torch.matmul's shapes for every rank pair (1-D promotion, broadcast
 * batches), the definition in float64 within the sqrt(K) bound, and the identity matrix.
 */
@Domain(DomainContext.Global.class)
@Tries(400)
class MatmulProperties implements KernelContract<MatmulKernel, MatmulCase> {

    @Override
    public Class<MatmulKernel> family() {
        return MatmulKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<MatmulCase> valid() {
        return LayerCases.matmul();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<MatmulKernel>> invalid() {
        return LayerCases.matmulInvalid();
    }

    @Override
    public Outputs run(MatmulKernel kernel, MatmulCase c, List<Tensor> in) {
        return Outputs.of(Matmul.apply(kernel, in.get(0), in.get(1)));
    }

    /** batch..., then m unless the input is 1-D, then n unless the other is 1-D: written here independently of the contract. */
    @Override
    public Shape expectedShape(MatmulCase c) {
        List<Integer> dims = new ArrayList<>(c.batch());
        if (c.m() != null) {
            dims.add(c.m());
        }
        if (c.n() != null) {
            dims.add(c.n());
        }
        return SeededData.shape(dims);
    }

    @Override
    public Shape contractShape(MatmulCase c) {
        return Matmul.outputShape(c.inputShape(), c.otherShape());
    }

    @Override
    public List<String> inputNames() {
        return List.of("input", "other");
    }

    /**
     * y[b, i, j] = sum_p a[b', i, p] * o[b'', p, j] in float64 (b', b'' the broadcast batch indices), within the sqrt(K)
     * bound scaled by the largest sum of |a·o| rather than the largest |y|: a float sum's rounding in any order is of the
     * size of its terms (Higham, Accuracy and Stability, 4.2), which a cancelling dot product can leave far below
     * (found by jqwik: [37] @ [37] = 0.03 from terms up to ~3, off by 2.8e-6, 1.5·sqrt(K)·u of the terms).
     */
    @Property
    void matchesDefinition(@ForAll("kernels") KernelUnderTest<MatmulKernel> k, @ForAll("valid") MatmulCase c) {
        Assume.that(k.serves(c.op()));
        List<Tensor> in = c.inputs();
        Tensor a = in.get(0), o = in.get(1);
        List<Integer> batch = c.batch();
        List<Integer> batchA = c.m() == null ? List.of() : c.batchA(), batchB = c.n() == null ? List.of() : c.batchB();
        int m = c.m() == null ? 1 : c.m(), n = c.n() == null ? 1 : c.n(), kk = c.k();
        int products = batch.stream().reduce(1, (x, y) -> x * y);
        double[] y = new double[products * m * n], magnitude = new double[y.length];
        int[] index = new int[batch.size()];
        for (int b = 0; b < products; b++) {
            for (int d = batch.size() - 1, rest = b; d >= 0; d--) {
                index[d] = rest % batch.get(d);
                rest /= batch.get(d);
            }
            int a0 = BinaryCase.operandIndex(batchA, index) * m * kk, o0 = BinaryCase.operandIndex(batchB, index) * kk * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0, terms = 0;
                    for (int p = 0; p < kk; p++) {
                        double t = (double) a.getFlat(a0 + i * kk + p) * o.getFlat(o0 + p * n + j);
                        s += t;
                        terms += Math.abs(t);
                    }
                    y[(b * m + i) * n + j] = s;
                    magnitude[(b * m + i) * n + j] = terms;
                }
            }
        }
        Tensor expected = Nchw.tensor(expectedShape(c), y);
        Tensor terms = Nchw.tensor(expectedShape(c), magnitude);
        Closeness.assertClose(Closeness.reduction(kk, terms), run(k.kernel(), c, in).main(), expected, k + " vs the matmul definition");
    }

    /** input @ I gives the input back bit for bit (each sum is one exact product plus exact zeros). */
    @Property
    void identityReturnsTheInput(@ForAll("kernels") KernelUnderTest<MatmulKernel> k, @ForAll("valid") MatmulCase c) {
        Assume.that(k.serves(c.op()) && c.k() > 0 && c.m() != null);
        Tensor x = c.inputs().get(0);
        float[] eye = new float[c.k() * c.k()];
        for (int i = 0; i < c.k(); i++) {
            eye[i * c.k() + i] = 1f;
        }
        Tensor y = Matmul.apply(k.kernel(), x, Tensor.wrap(Shape.of(c.k(), c.k()), eye));
        Closeness.assertClose(Closeness.exact("x*1 plus exact zeros"), y, x, k + ": input @ I");
    }
}
