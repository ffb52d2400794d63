package io.opsgi.kernel.binary.vector;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Binary;
import io.opsgi.op.BinaryOp;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector kernel equals one IEEE operation per element on the shapes it takes, and declines the rest. */
class VectorBinaryTest {
    private final VectorBinary kernel = new VectorBinary();
    /** The ops its descriptor lists; pow goes down the chain to the reference. */
    private static final List<BinaryOp> SERVED = List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV);

    private static Tensor random(long seed, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return Tensor.wrap(Shape.of(dims), v);
    }

    /** The expected value of {@code a op b} at output element {@code i} of an NCHW output with per-channel {@code b}. */
    private static float op(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW, MAXIMUM, MINIMUM -> throw new AssertionError("the vector kernel does not serve " + op.op());
        };
    }

    @Test
    void perChannelOnEitherSideKeepsTheOperandOrder() {
        Tensor x = random(1, 2, 3, 5, 7), c = random(2, 3, 1, 1);
        assertTrue(kernel.supports(Binary.plan(BinaryOp.SUB, x.shape(), c.shape())));
        assertTrue(kernel.supports(Binary.plan(BinaryOp.SUB, c.shape(), x.shape())));
        for (BinaryOp op : SERVED) {
            float[] xc = new float[x.size()], cx = new float[x.size()];
            for (int i = 0; i < xc.length; i++) {
                float channel = c.getFlat((i / 35) % 3);
                xc[i] = op(op, x.getFlat(i), channel);
                cx[i] = op(op, channel, x.getFlat(i));
            }
            assertBits(xc, Binary.apply(kernel, op, x, c));
            assertBits(cx, Binary.apply(kernel, op, c, x));
        }
    }

    @Test
    void perSampleAndChannelScale() {
        Tensor x = random(6, 2, 3, 4, 5), s = random(7, 2, 3, 1, 1);
        assertTrue(kernel.supports(Binary.plan(BinaryOp.MUL, x.shape(), s.shape())));
        float[] expected = new float[x.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = s.getFlat(i / 20) / x.getFlat(i);
        }
        assertBits(expected, Binary.apply(kernel, BinaryOp.DIV, s, x));
    }

    @Test
    void sameShapeAndScalar() {
        Tensor a = random(3, 4, 37), b = random(4, 4, 37), s = random(5);
        for (BinaryOp op : SERVED) {
            float[] ab = new float[a.size()], as = new float[a.size()];
            for (int i = 0; i < ab.length; i++) {
                ab[i] = op(op, a.getFlat(i), b.getFlat(i));
                as[i] = op(op, a.getFlat(i), s.getFlat(0));
            }
            assertBits(ab, Binary.apply(kernel, op, a, b));
            assertBits(as, Binary.apply(kernel, op, a, s));
        }
    }

    /** Same-shape calls larger than a chunk are spread over the intra-op threads: every chunk and the tail, at 1 and 2 threads. */
    @Test
    void sameShapeAcrossChunksAtOneAndTwoThreads() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int n : new int[] {VectorBinary.CHUNK - 1, VectorBinary.CHUNK + 1, 3 * VectorBinary.CHUNK + 17}) {
                    Tensor a = random(n, n), b = random(n + 1, n);
                    for (BinaryOp op : SERVED) {
                        float[] ab = new float[n];
                        for (int i = 0; i < n; i++) {
                            ab[i] = op(op, a.getFlat(i), b.getFlat(i));
                        }
                        assertBits(ab, Binary.apply(kernel, op, a, b));
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void otherBroadcastsAreDeclined() {
        assertFalse(kernel.supports(Binary.plan(BinaryOp.ADD, Shape.of(3, 1), Shape.of(1, 4))), "an outer sum: both operands broadcast");
        assertFalse(kernel.supports(Binary.plan(BinaryOp.ADD, Shape.of(2, 3, 4, 5), Shape.of(5))), "one value per element of the last dim: runs of 1");
    }
}
