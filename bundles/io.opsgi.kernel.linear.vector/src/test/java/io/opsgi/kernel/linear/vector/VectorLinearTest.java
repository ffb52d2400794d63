package io.opsgi.kernel.linear.vector;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static io.opsgi.testing.TensorAsserts.assertMatchesReference;
import static io.opsgi.testing.TestTensors.uniformSigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Linear;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * VectorLinear through the contract, against a float64 reference written here. Sizes around the
 * kernel's tiles: in_features below, at and past a vector (tails of 1..LANES-1 terms), out_features not a
 * multiple of four, odd row counts (a last row alone), a classifier's 1280 -> 1000 at batch 1 and 8.
 *
 * <p>Tolerance: {@code (in+1)·2⁻²⁴·Σ|x·w| (+|b|)}, the bound of a float32 sum of in products and the bias in
 * any order. A wrong weight row or a dropped tail term is off by about |x·w| ~ 0.25.
 */
class VectorLinearTest {
    private final VectorLinear kernel = new VectorLinear();
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

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
    void matchesAFloat64ReferenceAroundTheTiles() {
        Random r = new Random(17);
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        int[][] cases = { // rows, in, out
                {1, 7, 5}, {1, lanes, 4}, {1, lanes + 1, 1}, {3, 2 * lanes - 1, 6}, {2, 3 * lanes + 5, 9}, {5, 100, 13},
                {8, 257, 3}, {1, 1280, 1000}, {8, 1280, 1000}, {1, 512, 1000}};
        for (int[] c : cases) {
            int rows = c[0], in = c[1], out = c[2];
            for (boolean withBias : new boolean[] {true, false}) {
                Tensor x = uniformSigned(r, Shape.of(rows, in));
                Tensor w = uniformSigned(r, Shape.of(out, in));
                Tensor b = withBias ? uniformSigned(r, Shape.of(out)) : null;
                InputsUnchanged before = InputsUnchanged.snapshot(x, w, b);
                Parallel.setThreads(1);
                Tensor y = Linear.apply(kernel, x, w, b);
                Parallel.setThreads(2);
                Tensor two = Linear.apply(kernel, x, w, b);
                double[] expected = new double[rows * out], scale = new double[rows * out];
                for (int i = 0; i < rows; i++) {
                    for (int o = 0; o < out; o++) {
                        double s = b == null ? 0 : b.getFlat(o), m = b == null ? 0 : Math.abs(b.getFlat(o));
                        for (int k = 0; k < in; k++) {
                            double p = (double) x.getFlat(i * in + k) * w.getFlat(o * in + k);
                            s += p;
                            m += Math.abs(p);
                        }
                        expected[i * out + o] = s;
                        scale[i * out + o] = m;
                    }
                }
                String name = rows + "x" + in + " -> " + out + (withBias ? " bias" : "");
                assertMatchesReference(name, Shape.of(rows, out), y, expected, scale, (in + 1) * 0x1p-24, 0);
                assertArrayEquals(y.toArray(), two.toArray(), name + ": 2 threads differ from 1");
                before.assertDataUnchanged("linear wrote an input");
            }
        }
    }
}
