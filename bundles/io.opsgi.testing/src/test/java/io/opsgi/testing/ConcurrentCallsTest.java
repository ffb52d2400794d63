package io.opsgi.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class ConcurrentCallsTest {

    /** A kernel with per-call state in its instance; the barrier makes two calls interleave for certain. */
    private static final class SharedScratchNeg {
        private final float[] scratch = new float[64];
        private final CyclicBarrier interleave = new CyclicBarrier(2);

        void neg(float[] x, float[] y) throws Exception {
            System.arraycopy(x, 0, scratch, 0, x.length);
            interleave.await(30, TimeUnit.SECONDS); // both calls have written before either reads
            for (int i = 0; i < y.length; i++) {
                y[i] = -scratch[i];
            }
        }
    }

    private static float[] data(Random r) {
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    @Test
    void a_kernel_sharing_scratch_between_calls_is_caught() {
        SharedScratchNeg kernel = new SharedScratchNeg();
        assertThrows(AssertionFailedError.class, () -> ConcurrentCalls.run(2, 1, r -> {
            float[] x = data(r), y = new float[x.length], expected = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = -x[i];
            }
            kernel.neg(x, y);
            assertArrayEquals(expected, y);
        }));
    }

    @Test
    void the_bodies_run_at_the_same_time_with_their_own_seeds() throws Exception {
        CountDownLatch all = new CountDownLatch(4);
        long[] firstDraw = new long[4];
        ConcurrentCalls.run(4, 10, r -> {
            all.countDown();
            assertTrue(all.await(30, TimeUnit.SECONDS), "the four bodies did not overlap");
            long v = r.nextLong();
            for (int t = 0; t < 4; t++) {
                if (v == new Random(10 + t).nextLong()) {
                    synchronized (firstDraw) {
                        firstDraw[t] = 1;
                    }
                }
            }
        });
        assertArrayEquals(new long[] {1, 1, 1, 1}, firstDraw, "each thread got Random(firstSeed + t)");
    }
}
