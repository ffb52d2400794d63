package io.opsgi.kernel.elementwise.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.activation.direct.DirectActivations;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every vector activation, with the intra-op thread count at 1 and 2 (a tensor of more than one chunk
 * is spread over the helpers), on small and large lengths and with a tail that is not a whole vector, bit for
 * bit against the reference ({@link DirectActivations}), the input unchanged and every element written.
 */
class VectorActivationsTest {
    private static final float[] SPECIALS = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3f, -3f, 6f};
    private static final List<ActivationAttrs> FUNCTIONS = List.of(ActivationAttrs.of(Activation.RELU), ActivationAttrs.of(Activation.RELU6),
            ActivationAttrs.leakyRelu(0.01f), ActivationAttrs.hardtanh(-0.5f, 2f), ActivationAttrs.of(Activation.HARDSWISH),
            ActivationAttrs.of(Activation.HARDSIGMOID), ActivationAttrs.onnxHardsigmoid(0.2f, 0.5f), ActivationAttrs.of(Activation.SOFTSIGN));
    private final int before = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    @Test
    void everyChunkAndTailMatchesTheReferenceBitForBit() {
        Random r = new Random(17);
        int c = 1 << 15;
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {1, 15, c - 1, c, c + 1, 2 * c + 17, 5 * c - 3}) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = r.nextInt(20) == 0 ? SPECIALS[r.nextInt(SPECIALS.length)] : (r.nextFloat() * 2 - 1) * 8;
                }
                float[] input = x.clone();
                for (ActivationAttrs a : FUNCTIONS) {
                    float[] expected = new float[n];
                    new DirectActivations().activate(a, x, expected);
                    float[] y = new float[n];
                    Arrays.fill(y, 12345f); // an element left unwritten shows
                    new VectorActivations().activate(a, x, y);
                    for (int i = 0; i < n; i++) {
                        int at = i;
                        boolean same = Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(y[i]) || Float.isNaN(expected[i]) && Float.isNaN(y[i]);
                        assertTrue(same, () -> a.fn() + " at " + threads + " threads, n=" + n + ", element " + at + ": " + y[at] + ", reference "
                                + expected[at]);
                    }
                    assertArrayEquals(input, x, "input unchanged");
                }
            }
        }
    }
}
