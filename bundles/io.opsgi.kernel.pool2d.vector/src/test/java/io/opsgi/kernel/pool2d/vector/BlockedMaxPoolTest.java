package io.opsgi.kernel.pool2d.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.maxpool2d.direct.DirectMaxPool2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.BlockedMaxPool2d;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.HW;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dAttrs;
import io.opsgi.op.PoolGeometry;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.OutputSizeTooSmall;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocked max pool ({@link BlockedMaxPool}) against the reference kernel bit for bit, on random geometries with
 * the special values (ties of signed zeros, NaN, infinities), channel counts that leave the last block part empty (NaN
 * in its spare lanes, which must not reach a channel), spare zero columns on both sides of both layouts (a pool reading
 * the input's as values gets 0 where the padding is -inf), and an output
 * buffer full of NaN (every float the layout defines must be written).
 */
class BlockedMaxPoolTest {
    private static final int L = RowTaps.L;
    private final VectorMaxPool2d vector = new VectorMaxPool2d();
    private final DirectMaxPool2d reference = new DirectMaxPool2d();

    @Test
    void randomGeometriesMatchTheReferenceBitForBit() {
        Random r = new Random(20261207);
        int compared = 0;
        for (int i = 0; i < 1500; i++) {
            HW k = HW.of(1 + r.nextInt(5), 1 + r.nextInt(5));
            HW s = HW.of(1 + r.nextInt(4), 1 + r.nextInt(4));
            HW p = HW.of(r.nextInt(k.h() / 2 + 1), r.nextInt(k.w() / 2 + 1));
            HW d = r.nextInt(3) == 0 ? HW.of(1 + r.nextInt(3), 1 + r.nextInt(3)) : HW.of(1);
            MaxPool2dAttrs a = new MaxPool2dAttrs(k, s, p, d, r.nextBoolean());
            Tensor x = PoolData.tensor(r, 1 + r.nextInt(2), 1 + r.nextInt(2 * L + 3), 1 + r.nextInt(20), 1 + r.nextInt(40),
                    r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(30));
            Tensor expected = OutputSizeTooSmall.resultOrNull(() -> MaxPool2d.apply(reference, x, a));
            if (expected == null) {
                continue;
            }
            float[] got = blocked(x, a, r);
            int at = PoolData.firstDifference(expected, Tensor.wrap(expected.shape(), got));
            assertEquals(-1, at, () -> a + " on " + x.shape() + " blocked: element " + at);
            compared++;
        }
        assertTrue(compared > 1000, "only " + compared + " valid geometries");
    }

    @Test
    void squeezeNetPoolOnTwoThreadsMatchesTheReference() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            Random r = new Random(11);
            Tensor x = PoolData.tensor(r, 1, 64, 111, 111, 40);
            MaxPool2dAttrs a = new MaxPool2dAttrs(HW.of(3), HW.of(2), HW.of(0), HW.of(1), true);
            Tensor expected = MaxPool2d.apply(reference, x, a);
            assertEquals(-1, PoolData.firstDifference(expected, Tensor.wrap(expected.shape(), blocked(x, a, r))));
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** The pool of x through the blocked entry point, hostile layouts drawn from r, back to NCHW; checks the zero columns and that x is unchanged. */
    private float[] blocked(Tensor x, MaxPool2dAttrs a, Random r) {
        int n = x.shape().dim(0), c = x.shape().dim(1), h = x.shape().dim(2), w = x.shape().dim(3);
        PoolGeometry g = MaxPool2d.geometry(x.shape(), a);
        int oh = g.oh(), ow = g.ow();
        BlockedMaxPool2d pool = vector.blocked(g);
        int xLeft = r.nextInt(3), yLeft = r.nextInt(3);
        ChannelBlocks xl = new ChannelBlocks(L, xLeft, xLeft + w + r.nextInt(3)), yl = new ChannelBlocks(L, yLeft, yLeft + ow + r.nextInt(3));
        float[] xb = new float[(int) xl.size(n, c, h, w)];
        xl.fromNchw(n, c, h, w, x.buffer(), xb); // zero columns: a pool reading them as values gets 0 where the padding is -inf
        spareLanesNaN(xl, n, c, h, xb);
        float[] before = xb.clone();
        float[] yb = new float[(int) yl.size(n, c, oh, ow)];
        Arrays.fill(yb, Float.NaN);
        pool.run(xb, xl, yb, yl);
        assertTrue(Arrays.equals(before, xb), "the blocked input was written");
        int blocks = (c + L - 1) / L;
        for (int i = 0; i < n * blocks * oh; i++) {
            for (int col = 0; col < yl.width(); col++) {
                if (col < yl.left() || col >= yl.left() + ow) {
                    for (int lane = 0; lane < L; lane++) {
                        float v = yb[(i * yl.width() + col) * L + lane];
                        assertEquals(0f, v, "zero column " + col + " of row " + i + " holds " + v);
                    }
                }
            }
        }
        float[] y = new float[n * c * oh * ow];
        yl.toNchw(n, c, oh, ow, yb, y);
        return y;
    }

    private static void spareLanesNaN(ChannelBlocks l, int n, int c, int h, float[] b) {
        int blocks = (c + L - 1) / L, used = c - (blocks - 1) * L;
        for (int i = 0; i < n; i++) {
            for (int row = 0; row < h; row++) {
                for (int col = 0, at = ((i * blocks + blocks - 1) * h + row) * l.width() * L; col < l.width(); col++, at += L) {
                    Arrays.fill(b, at + used, at + L, Float.NaN);
                }
            }
        }
    }
}
