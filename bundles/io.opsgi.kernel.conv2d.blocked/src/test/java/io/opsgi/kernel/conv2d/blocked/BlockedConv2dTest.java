package io.opsgi.kernel.conv2d.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.Epilogue;
import io.opsgi.op.HW;
import io.opsgi.op.OpException;
import io.opsgi.op.PadMode;
import io.opsgi.op.PreparedConv2d;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.ConcurrentCalls;
import io.opsgi.testing.InputsUnchanged;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BlockedConv2d against the reference kernel (DirectConv2d).
 *
 * <p>Most checks use small integers for data (|x|, |w|, |bias| &lt;= 3): every product and partial
 * sum is then an integer far below 2^24, exact in float32 whatever the summation order, so the two
 * kernels must agree bit for bit and any wrong tap, lane, border or stale scratch value shows as a
 * plain mismatch. Real-valued data is checked separately within a rounding bound.
 */
class BlockedConv2dTest {
    private static final DirectConv2d REFERENCE = new DirectConv2d();
    private static final int THREADS = Parallel.threads();

    private final BlockedConv2d kernel = new BlockedConv2d();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    /** One random convolution: shapes and attributes, through the conv2d contract. */
    record Case(int n, int c, int h, int w, int k, int kh, int kw, Conv2dAttrs attrs, boolean bias) {
        @Override
        public String toString() {
            return "x(" + n + "," + c + "," + h + "," + w + ") w(" + k + "," + c + "," + kh + "," + kw + ") " + attrs + (bias ? " bias" : "");
        }
    }

    /** Random geometries: any channel counts (cOut not a multiple of 16 included), kernel, stride, dilation, asymmetric padding. */
    static Case randomCase(Random r) {
        while (true) {
            int n = 1 + r.nextInt(3), c = 1 + r.nextInt(40), k = 1 + r.nextInt(70);
            int kh = 1 + r.nextInt(7), kw = 1 + r.nextInt(7), h = 1 + r.nextInt(20), w = 1 + r.nextInt(24);
            HW stride = HW.of(1 + r.nextInt(4), 1 + r.nextInt(4)), dilation = HW.of(1 + r.nextInt(3), 1 + r.nextInt(3));
            ConvPadding pad = ConvPadding.explicit(r.nextInt(4), r.nextInt(4), r.nextInt(4), r.nextInt(4));
            int effH = dilation.h() * (kh - 1) + 1, effW = dilation.w() * (kw - 1) + 1;
            if (h + pad.top() + pad.bottom() < effH || w + pad.left() + pad.right() < effW) {
                continue; // the contract rejects a kernel larger than the padded input
            }
            return new Case(n, c, h, w, k, kh, kw, new Conv2dAttrs(stride, pad, dilation, 1, PadMode.CONSTANT), r.nextBoolean());
        }
    }

    static Tensor smallIntegers(Random r, int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(7) - 3;
        }
        return Tensor.of(s, v);
    }

    /** Runs {@code kernel} and the reference on integer data for {@code k} and demands identical outputs. */
    static void assertExactlyReference(Conv2dKernel kernel, Case k, Random r) {
        Tensor x = smallIntegers(r, k.n, k.c, k.h, k.w);
        Tensor w = smallIntegers(r, k.k, k.c, k.kh, k.kw);
        Tensor b = k.bias ? smallIntegers(r, k.k) : null;
        InputsUnchanged inputs = InputsUnchanged.snapshot(x, w, b);
        Tensor expected = Conv2d.apply(REFERENCE, x, w, b, k.attrs);
        Tensor actual = Conv2d.apply(kernel, x, w, b, k.attrs);
        assertEquals(expected.shape(), actual.shape(), k.toString());
        for (int i = 0; i < expected.size(); i++) {
            if (expected.getFlat(i) != actual.getFlat(i)) {
                fail(k + " threads=" + Parallel.threads() + ": output " + i + " of shape " + expected.shape() + " is " + actual.getFlat(i)
                        + ", the reference gives " + expected.getFlat(i));
            }
        }
        inputs.assertTensorsUnchanged("input written", "weight written", "bias written");
    }

    @Test
    void randomGeometriesMatchTheReferenceExactly() {
        Random r = new Random(20240611);
        for (int i = 0; i < 400; i++) {
            Case k = randomCase(r);
            Parallel.setThreads(1 + i % 3);
            assertExactlyReference(kernel, k, r);
        }
    }

    /**
     * The prepare step: weights packed once, run twice (the second run must not depend on the first's
     * scratch), with an epilogue (integer shift, residual, relu6: exact on integer data) that must give
     * the reference followed by the epilogue, bit for bit, and leave the caller's weights reusable.
     */
    @Test
    void preparedRunsMatchTheReferenceAndItsEpilogueExactly() {
        Random r = new Random(17);
        for (int i = 0; i < 150; i++) {
            Parallel.setThreads(1 + i % 2);
            assertPreparedExact(kernel, randomCase(r), r);
        }
        // Rows long enough that a task's epilogue runs in several pieces, an odd block count, and rows
        // shorter than a vector (the tails go through the scalar epilogue).
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            assertPreparedExact(kernel, new Case(1, 8, 37, 37, 40, 3, 3, Conv2dAttrs.defaults().withPadding(1), true), r);
            assertPreparedExact(kernel, new Case(2, 16, 7, 7, 48, 3, 3, Conv2dAttrs.defaults().withPadding(1), false), r);
        }
    }

    static void assertPreparedExact(BlockedConv2d kernel, Case k, Random r) {
        {
            Tensor x = smallIntegers(r, k.n, k.c, k.h, k.w), w = smallIntegers(r, k.k, k.c, k.kh, k.kw);
            Tensor b = k.bias ? smallIntegers(r, k.k) : null;
            ConvGeometry g = Conv2d.geometry(x.shape(), w.shape(), b == null ? null : b.shape(), k.attrs);
            if (!kernel.supports(g)) {
                return;
            }
            Tensor expected = Conv2d.apply(REFERENCE, x, w, b, k.attrs);
            float[] shift = smallIntegers(r, k.k).toArray(), residual = smallIntegers(r, expected.shape().toArray()).toArray();
            Epilogue e = Epilogue.of(null, shift, true, ActivationAttrs.of(Activation.RELU6));
            float[] weights = w.toArray();
            PreparedConv2d p = kernel.prepare(g, weights, b == null ? null : b.toArray(), e);
            java.util.Arrays.fill(weights, 99f); // the prepared object holds its own copy
            float[] want = expected.toArray();
            e.applyAll(want, g.cOut(), g.oh() * g.ow(), residual);
            for (int run = 0; run < 2; run++) {
                float[] y = new float[want.length];
                p.run(x.toArray(), residual, y);
                for (int j = 0; j < y.length; j++) {
                    if (y[j] != want[j]) {
                        fail(k + " prepared, run " + run + ": output " + j + " is " + y[j] + ", the reference and epilogue give " + want[j]);
                    }
                }
            }
        }
    }

    /** The shapes the kernel is tuned for, at reduced size where the full one would make the reference slow. */
    @Test
    void resnetAndMobilenetShapesMatchTheReferenceExactly() {
        Random r = new Random(5);
        List<Case> cases = List.of(
                new Case(1, 3, 64, 64, 64, 7, 7, new Conv2dAttrs(HW.of(2), ConvPadding.of(3), HW.of(1), 1, PadMode.CONSTANT), false), // conv1
                new Case(1, 64, 28, 28, 64, 3, 3, Conv2dAttrs.defaults().withPadding(1), false),             // layer1-like
                new Case(1, 64, 28, 28, 128, 3, 3, Conv2dAttrs.defaults().withPadding(1).withStride(2), true), // downsample
                new Case(1, 256, 14, 14, 256, 3, 3, Conv2dAttrs.defaults().withPadding(1), false),           // layer3
                new Case(1, 512, 7, 7, 512, 3, 3, Conv2dAttrs.defaults().withPadding(1), false),             // layer4
                new Case(1, 256, 14, 14, 512, 1, 1, Conv2dAttrs.defaults().withStride(2), false),             // 1x1 projection
                new Case(2, 144, 14, 14, 24, 1, 1, Conv2dAttrs.defaults(), true));                            // pointwise, cOut 24
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (Case k : cases) {
                assertExactlyReference(kernel, k, r);
            }
        }
    }

    /** Padding modes reach the kernel as a padded input with zero padding; 'same' pads bottom/right more than top/left. */
    @Test
    void paddingModesAndSameMatchTheReferenceExactly() {
        Random r = new Random(9);
        for (PadMode mode : PadMode.values()) {
            Conv2dAttrs a = new Conv2dAttrs(HW.of(1), ConvPadding.of(2), HW.of(1), 1, mode);
            assertExactlyReference(kernel, new Case(2, 5, 9, 11, 20, 3, 4, a, true), r);
        }
        Conv2dAttrs same = Conv2dAttrs.defaults().withPadding(ConvPadding.SAME).withDilation(3);
        assertExactlyReference(kernel, new Case(1, 4, 10, 9, 17, 2, 2, same, true), r);
    }

    /**
     * The scratch buffers are reused between calls: a call after a larger one, with other data and
     * more padding, must see zeros in its padding columns and none of the previous weights.
     */
    @Test
    void reusedScratchCarriesNothingOver() {
        Random r = new Random(13);
        Case big = new Case(2, 33, 17, 23, 48, 5, 5, Conv2dAttrs.defaults().withPadding(2), true);
        Case small = new Case(1, 7, 6, 5, 18, 3, 3, new Conv2dAttrs(HW.of(1), ConvPadding.explicit(3, 3, 1, 3), HW.of(1), 1, PadMode.CONSTANT), false);
        for (int round = 0; round < 3; round++) {
            assertExactlyReference(kernel, big, r);
            assertExactlyReference(kernel, small, r);
        }
    }

    @Test
    void concurrentCallsOnOneInstanceAreIndependent() throws Exception {
        Parallel.setThreads(2);
        ConcurrentCalls.run(4, 100, r -> {
            for (int i = 0; i < 40; i++) {
                assertExactlyReference(kernel, randomCase(r), r);
            }
        });
    }

    /**
     * Real-valued data: agreement with the reference within the rounding of two summation orders,
     * {@code 8·sqrt(K)·2^-24·Σ|x·w|} per element (Σ|x·w| + |bias| from the reference run on
     * absolute values). A wrong tap moves an output by a whole term, about Σ|x·w|/K, far above it.
     */
    @Test
    void realDataMatchesTheReferenceWithinRounding() {
        Random r = new Random(17);
        for (int i = 0; i < 60; i++) {
            Case k = randomCase(r);
            Tensor x = gaussian(r, k.n, k.c, k.h, k.w), w = gaussian(r, k.k, k.c, k.kh, k.kw), b = k.bias ? gaussian(r, k.k) : null;
            Tensor expected = Conv2d.apply(REFERENCE, x, w, b, k.attrs);
            Tensor scale = Conv2d.apply(REFERENCE, abs(x), abs(w), b == null ? null : abs(b), k.attrs);
            Tensor actual = Conv2d.apply(kernel, x, w, b, k.attrs);
            double bound = 8 * Math.sqrt(k.c * k.kh * k.kw) * 0x1p-24;
            for (int j = 0; j < expected.size(); j++) {
                double tol = bound * scale.getFlat(j) + 1e-30;
                assertTrue(Math.abs(actual.getFlat(j) - expected.getFlat(j)) <= tol,
                        k + ": output " + j + " is " + actual.getFlat(j) + ", reference " + expected.getFlat(j) + ", tolerance " + tol);
            }
        }
    }

    @Test
    void supportsExactlyGroupsOne() {
        ConvGeometry dense = geometry(1, 8);
        ConvGeometry grouped = geometry(2, 8);
        ConvGeometry depthwise = geometry(8, 8);
        assertTrue(kernel.supports(dense));
        assertFalse(kernel.supports(grouped));
        assertFalse(kernel.supports(depthwise));
        assertThrows(IllegalArgumentException.class, () -> kernel.conv2d(grouped, new float[8 * 25], new float[8 * 4 * 9], null, new float[8 * 9]));
    }

    @Test
    void emptyBatchGivesAnEmptyOutput() {
        Tensor y = Conv2d.apply(kernel, Tensor.of(Shape.of(0, 3, 5, 5)), Tensor.of(Shape.of(4, 3, 3, 3), new float[108]), null,
                Conv2dAttrs.defaults());
        assertEquals(Shape.of(0, 4, 3, 3), y.shape());
    }

    @Test
    void contractErrorsStillComeFromTheContract() {
        OpException e = assertThrows(OpException.class, () -> Conv2d.apply(kernel, Tensor.of(Shape.of(1, 3, 5, 5), new float[75]),
                Tensor.of(Shape.of(4, 2, 3, 3), new float[72]), null, Conv2dAttrs.defaults()));
        assertEquals("input_channels", e.rule());
    }

    /** An 8-to-8 channel 3x3 convolution of a 5x5 image with {@code groups} groups. */
    private static ConvGeometry geometry(int groups, int channels) {
        return new ConvGeometry(1, channels, 5, 5, channels, 3, 3, 1, 1, 0, 0, 1, 1, groups, 3, 3);
    }

    static Tensor gaussian(Random r, int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(s, v);
    }

    static Tensor abs(Tensor t) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return Tensor.of(t.shape(), v);
    }
}
