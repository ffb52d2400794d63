package io.opsgi.kernel.linear.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TensorAsserts.assertMatchesReference;
import static io.opsgi.testing.TestTensors.uniformSigned;

import io.opsgi.op.Linear;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** linear through the contract: y = x·Wᵀ + b over the last dimension. */
class DirectLinearTest {
    private final DirectLinear kernel = new DirectLinear();

    @Test
    void workedExample() {
        // x = [[1, 2, 3], [-1, 0, 0.5]], W = [[1, 0, -1], [0.5, 0.5, 0.5]], b = [10, -1]
        Tensor x = Tensor.of(Shape.of(2, 3), 1, 2, 3, -1, 0, 0.5f);
        Tensor w = Tensor.of(Shape.of(2, 3), 1, 0, -1, 0.5f, 0.5f, 0.5f);
        Tensor b = Tensor.of(Shape.of(2), 10, -1);
        assertBits(new float[] {8, 2, 8.5f, -1.25f}, Linear.apply(kernel, x, w, b));
        assertBits(new float[] {-2, 3, -1.5f, -0.25f}, Linear.apply(kernel, x, w, null));
    }

    @Test
    void noInputFeaturesGiveTheBias() {
        Tensor y = Linear.apply(kernel, Tensor.zeros(3, 0), Tensor.zeros(2, 0), Tensor.of(Shape.of(2), 1.5f, -0f));
        assertBits(new float[] {1.5f, -0f, 1.5f, -0f, 1.5f, -0f}, y);
        assertBits(new float[] {0, 0}, Linear.apply(kernel, Tensor.zeros(1, 0), Tensor.zeros(2, 0), null));
    }

    @Test
    void matchesAFloat64ReferenceOnEveryLeadingShape() {
        Random r = new Random(8);
        for (int[] dims : new int[][] {{7}, {4, 7}, {2, 3, 7}, {2, 1, 3, 7}}) {
            int in = 7, out = 5;
            Tensor x = uniformSigned(r, Shape.of(dims));
            Tensor w = uniformSigned(r, Shape.of(out, in));
            Tensor b = uniformSigned(r, Shape.of(out));
            InputsUnchanged before = InputsUnchanged.snapshot(x, w, b);
            Tensor y = Linear.apply(kernel, x, w, b);
            int rows = x.size() / in;
            double[] expected = new double[rows * out], scale = new double[rows * out];
            for (int i = 0; i < rows; i++) {
                for (int o = 0; o < out; o++) {
                    double s = b.getFlat(o), m = Math.abs(b.getFlat(o));
                    for (int k = 0; k < in; k++) {
                        s += (double) x.getFlat(i * in + k) * w.getFlat(o * in + k);
                        m += Math.abs((double) x.getFlat(i * in + k) * w.getFlat(o * in + k));
                    }
                    expected[i * out + o] = s;
                    scale[i * out + o] = m;
                }
            }
            int[] outDims = dims.clone();
            outDims[outDims.length - 1] = out;
            // in + 1 float roundings, each at most 2^-24 of the running magnitude
            assertMatchesReference(java.util.Arrays.toString(dims), Shape.of(outDims), y, expected, scale, (in + 1) * 0x1p-24, 0);
            before.assertDataUnchanged("linear wrote an input");
        }
    }
}
