package io.opsgi.kernel.conv2d.depthwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.ConcurrentCalls;
import io.opsgi.testing.InputsUnchanged;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DepthwiseConv2d against the reference kernel (DirectConv2d).
 *
 * <p>Most checks use small integers for data (|x|, |w|, |bias| &lt;= 3): every product and partial
 * sum is then exact in float32 whatever the summation order, so the two kernels must agree bit for
 * bit and a wrong tap, phase, border or stale buffer value shows as a plain mismatch. Real-valued
 * data is checked separately within a rounding bound.
 */
class DepthwiseConv2dTest {
    private static final DirectConv2d REFERENCE = new DirectConv2d();
    private static final int THREADS = Parallel.threads();

    private final DepthwiseConv2d kernel = new DepthwiseConv2d();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    /** One random depthwise convolution: c input channels, c·multiplier outputs, groups = c. */
    record Case(int n, int c, int multiplier, int h, int w, int kh, int kw, Conv2dAttrs attrs, boolean bias) {
        int cOut() {
            return c * multiplier;
        }

        @Override
        public String toString() {
            return "x(" + n + "," + c + "," + h + "," + w + ") w(" + cOut() + ",1," + kh + "," + kw + ") " + attrs + (bias ? " bias" : "");
        }
    }

    static Case randomCase(Random r) {
        while (true) {
            int n = 1 + r.nextInt(3), c = 1 + r.nextInt(12), m = 1 + r.nextInt(3);
            int kh = 1 + r.nextInt(7), kw = 1 + r.nextInt(7), h = 1 + r.nextInt(24), w = 1 + r.nextInt(40);
            HW stride = HW.of(1 + r.nextInt(4), 1 + r.nextInt(4)), dilation = HW.of(1 + r.nextInt(3), 1 + r.nextInt(3));
            ConvPadding pad = ConvPadding.explicit(r.nextInt(4), r.nextInt(4), r.nextInt(4), r.nextInt(4));
            if (h + pad.top() + pad.bottom() < dilation.h() * (kh - 1) + 1 || w + pad.left() + pad.right() < dilation.w() * (kw - 1) + 1) {
                continue; // the contract rejects a kernel larger than the padded input
            }
            return new Case(n, c, m, h, w, kh, kw, new Conv2dAttrs(stride, pad, dilation, c, PadMode.CONSTANT), r.nextBoolean());
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

    void assertExactlyReference(Case k, Random r) {
        Tensor x = smallIntegers(r, k.n, k.c, k.h, k.w);
        Tensor w = smallIntegers(r, k.cOut(), 1, k.kh, k.kw);
        Tensor b = k.bias ? smallIntegers(r, k.cOut()) : null;
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
        Random r = new Random(20240612);
        for (int i = 0; i < 500; i++) {
            Parallel.setThreads(1 + i % 3);
            assertExactlyReference(randomCase(r), r);
        }
    }

    /** The streaming 3x3 stride-1 path: any width (partial and absent second vectors), heights down to one row, any padding. */
    @Test
    void threeByThreeStrideOneMatchesTheReferenceExactly() {
        Random r = new Random(33);
        for (int i = 0; i < 200; i++) {
            int c = 1 + r.nextInt(6), m = 1 + r.nextInt(2), h = 1 + r.nextInt(12), w = 1 + r.nextInt(70);
            ConvPadding pad = ConvPadding.explicit(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3));
            if (h + pad.top() + pad.bottom() < 3 || w + pad.left() + pad.right() < 3) {
                continue;
            }
            Parallel.setThreads(1 + i % 2);
            assertExactlyReference(new Case(1 + r.nextInt(2), c, m, h, w, 3, 3,
                    new Conv2dAttrs(HW.of(1), pad, HW.of(1), c, PadMode.CONSTANT), r.nextBoolean()), r);
        }
    }

    /**
     * 3x3 stride 1 reads the input plane directly: interior strips (the last one moved left to end at
     * the interior's end) and scalar edge columns. Widths of two to three strips (2·lanes) plus
     * the two border columns and odd remainders, and one too narrow for the direct path, every padding 0-3 on each side, heights down to one row; each case is checked to take
     * the direct path. Strides 2 and dilations 2 of the same sizes (the buffered path) ride along.
     */
    @Test
    void interiorAndEdgeSplitMatchesTheReferenceExactly() {
        Random r = new Random(71);
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        int direct = 0;
        for (int w : new int[] {4 * lanes + 2, 4 * lanes + 3, 5 * lanes + 1, 6 * lanes + 2, 6 * lanes + 7, 112, 4 * lanes + 1}) {
            for (int pad = 0; pad < 16; pad++) {
                ConvPadding p = ConvPadding.explicit(pad % 4, pad / 4, (pad + 1) % 4, (pad + 2) % 4);
                int h = 1 + r.nextInt(9);
                if (h + p.top() + p.bottom() < 5) {
                    h = 5;
                }
                for (HW stride : new HW[] {HW.of(1), HW.of(2), HW.of(1, 2)}) {
                    for (HW dilation : new HW[] {HW.of(1), HW.of(2)}) {
                        int c = 1 + r.nextInt(3);
                        Case k = new Case(1, c, 1 + r.nextInt(2), h, w, 3, 3, new Conv2dAttrs(stride, p, dilation, c, PadMode.CONSTANT),
                                r.nextBoolean());
                        Parallel.setThreads(1 + r.nextInt(2));
                        assertExactlyReference(k, r);
                        ConvGeometry g = Conv2d.geometry(Shape.of(k.n, k.c, k.h, k.w), Shape.of(k.cOut(), 1, 3, 3), null, k.attrs);
                        boolean straight = stride.equals(HW.of(1)) && dilation.equals(HW.of(1)) && w - 2 >= 4 * lanes;
                        assertEquals(straight, new DepthwiseLayout(g, lanes).readsInputDirectly, k.toString());
                        direct += straight ? 1 : 0;
                    }
                }
            }
        }
        assertEquals(6 * 16, direct); // all but the last width, one column short of four vectors of interior
    }

    /** MobileNetV2's depthwise layers (3x3, stride 1 and 2) at reduced size, and wider rows than one vector group. */
    @Test
    void mobilenetShapesMatchTheReferenceExactly() {
        Random r = new Random(3);
        Conv2dAttrs s1 = Conv2dAttrs.defaults().withPadding(1), s2 = s1.withStride(2);
        List<Case> cases = List.of(
                new Case(1, 32, 1, 112, 112, 3, 3, s1.withGroups(32), false),
                new Case(1, 144, 1, 56, 56, 3, 3, s1.withGroups(144), false),
                new Case(1, 96, 1, 56, 56, 3, 3, s2.withGroups(96), true),
                new Case(2, 24, 1, 28, 28, 3, 3, s1.withGroups(24), true),
                new Case(1, 16, 1, 15, 15, 5, 5, s2.withPadding(2).withGroups(16), false),
                new Case(1, 8, 1, 7, 7, 3, 3, s1.withGroups(8), true));
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (Case k : cases) {
                assertExactlyReference(k, r);
            }
        }
    }

    @Test
    void paddingModesMatchTheReferenceExactly() {
        Random r = new Random(9);
        for (PadMode mode : PadMode.values()) {
            Conv2dAttrs a = new Conv2dAttrs(HW.of(2, 1), ConvPadding.of(2), HW.of(1), 3, mode);
            assertExactlyReference(new Case(2, 3, 2, 9, 21, 3, 4, a, true), r);
        }
        Conv2dAttrs same = Conv2dAttrs.defaults().withPadding(ConvPadding.SAME).withDilation(2).withGroups(5);
        assertExactlyReference(new Case(1, 5, 1, 10, 19, 4, 3, same, true), r);
    }

    /** Plane buffers are reused: a smaller plane with more padding after a larger one must see zeros, not old data. */
    @Test
    void reusedBuffersCarryNothingOver() {
        Random r = new Random(13);
        Case big = new Case(2, 6, 1, 30, 45, 3, 3, Conv2dAttrs.defaults().withGroups(6), true);
        Case small = new Case(1, 4, 2, 6, 5, 3, 3,
                new Conv2dAttrs(HW.of(1), ConvPadding.explicit(3, 3, 2, 3), HW.of(1), 4, PadMode.CONSTANT), false);
        Case strided = new Case(1, 3, 1, 11, 20, 3, 3, new Conv2dAttrs(HW.of(3), ConvPadding.of(1), HW.of(1), 3, PadMode.CONSTANT), true);
        for (int round = 0; round < 3; round++) {
            assertExactlyReference(big, r);
            assertExactlyReference(small, r);
            assertExactlyReference(strided, r);
        }
        // Same buffer size, the interior one row (then one column) lower: the old top row must not show.
        Case top1 = new Case(1, 2, 1, 6, 7, 3, 3, new Conv2dAttrs(HW.of(1), ConvPadding.explicit(1, 1, 3, 1), HW.of(1), 2, PadMode.CONSTANT), false);
        Case top2 = new Case(1, 2, 1, 6, 7, 3, 3, new Conv2dAttrs(HW.of(1), ConvPadding.explicit(2, 1, 2, 1), HW.of(1), 2, PadMode.CONSTANT), false);
        Case left2 = new Case(1, 2, 1, 6, 7, 3, 3, new Conv2dAttrs(HW.of(1), ConvPadding.explicit(2, 2, 2, 0), HW.of(1), 2, PadMode.CONSTANT), false);
        Parallel.setThreads(1);
        for (int round = 0; round < 2; round++) {
            assertExactlyReference(top1, r);
            assertExactlyReference(top2, r);
            assertExactlyReference(left2, r);
        }
    }

    @Test
    void concurrentCallsOnOneInstanceAreIndependent() throws Exception {
        Parallel.setThreads(2);
        ConcurrentCalls.run(4, 200, r -> {
            for (int i = 0; i < 60; i++) {
                assertExactlyReference(randomCase(r), r);
            }
        });
    }

    /**
     * Real-valued data: agreement with the reference within {@code 8·sqrt(K)·2^-24·Σ|x·w|} per element
     * (K = kh·kw, the scale from the reference run on absolute values); a wrong tap is off by a whole term.
     */
    @Test
    void realDataMatchesTheReferenceWithinRounding() {
        Random r = new Random(17);
        for (int i = 0; i < 80; i++) {
            Case k = randomCase(r);
            Tensor x = gaussian(r, k.n, k.c, k.h, k.w), w = gaussian(r, k.cOut(), 1, k.kh, k.kw), b = k.bias ? gaussian(r, k.cOut()) : null;
            Tensor expected = Conv2d.apply(REFERENCE, x, w, b, k.attrs);
            Tensor scale = Conv2d.apply(REFERENCE, abs(x), abs(w), b == null ? null : abs(b), k.attrs);
            Tensor actual = Conv2d.apply(kernel, x, w, b, k.attrs);
            double bound = 8 * Math.sqrt(k.kh * k.kw) * 0x1p-24;
            for (int j = 0; j < expected.size(); j++) {
                double tol = bound * scale.getFlat(j) + 1e-30;
                assertTrue(Math.abs(actual.getFlat(j) - expected.getFlat(j)) <= tol,
                        k + ": output " + j + " is " + actual.getFlat(j) + ", reference " + expected.getFlat(j) + ", tolerance " + tol);
            }
        }
    }

    @Test
    void supportsExactlyGroupsEqualToInputChannels() {
        assertTrue(kernel.supports(geometry(6, 6, 6)));
        assertTrue(kernel.supports(geometry(6, 12, 6)));  // channel multiplier 2
        assertFalse(kernel.supports(geometry(6, 6, 1)));  // dense
        assertFalse(kernel.supports(geometry(6, 6, 3)));  // grouped, 2 channels per group
        assertTrue(kernel.supports(geometry(1, 4, 1)));   // one input channel: groups 1 is depthwise too
        ConvGeometry dense = geometry(6, 6, 1);
        assertThrows(IllegalArgumentException.class, () -> kernel.conv2d(dense, new float[6 * 25], new float[6 * 6 * 9], null, new float[6 * 9]));
    }

    @Test
    void emptyBatchGivesAnEmptyOutput() {
        Tensor y = Conv2d.apply(kernel, Tensor.of(Shape.of(0, 3, 5, 5)), Tensor.of(Shape.of(3, 1, 3, 3), new float[27]), null,
                Conv2dAttrs.defaults().withGroups(3));
        assertEquals(Shape.of(0, 3, 3, 3), y.shape());
    }

    /** A 3x3 convolution of a 5x5 image, c input and cOut output channels in {@code groups} groups. */
    private static ConvGeometry geometry(int c, int cOut, int groups) {
        return new ConvGeometry(1, c, 5, 5, cOut, 3, 3, 1, 1, 0, 0, 1, 1, groups, 3, 3);
    }

    private static Tensor gaussian(Random r, int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(s, v);
    }

    private static Tensor abs(Tensor t) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return Tensor.of(t.shape(), v);
    }
}
