package io.opsgi.conformance;

import io.opsgi.kernel.maxpool2d.direct.DirectMaxPool2d;
import io.opsgi.op.BlockedMaxPool2d;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;

/**
 * A max pool whose plain calls are right (the reference) and whose blocked entry point ({@link BlockedMaxPool2d},
 * 8 lanes) is wrong in one way each, written from scratch for showing that the blocked path's checks bite
 * ({@link Bug#NONE}: the same code without a bug, the control). Its blocked run walks each lane's window in the
 * reference's order, scalar: slow and simple.
 */
public final class WrongBlockedMaxPool2d implements MaxPool2dKernel {
    public static final int LANES = 8;

    public enum Bug {
        NONE,
        /** Reads a window tap outside the input from the layout's zero column there, where it has one: 0 instead of the -inf padding. */
        ZERO_COLUMNS_AS_PADDING,
        /** Takes the larger of two taps whatever their order ({@code Math.max}): +0.0 over an earlier -0.0, where the reference keeps the first. */
        ORDER_FREE_MAXIMUM,
        /** Writes an output's columns [left, left + ow) only: whatever the buffer held stays in its zero columns. */
        GARBAGE_IN_A_ZERO_COLUMN,
        /** Pools into one scratch array of the blocked pool and copies it out: right on one thread, wrong when runs share it. */
        SCRATCH_SHARED_BY_RUNS
    }

    private static final DirectMaxPool2d REFERENCE = new DirectMaxPool2d();
    private final Bug bug;

    public WrongBlockedMaxPool2d(Bug bug) {
        this.bug = bug;
    }

    @Override
    public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
        REFERENCE.maxPool2d(g, x, y, indices);
    }

    @Override
    public BlockedMaxPool2d blocked(PoolGeometry g) {
        return new Blocked(g);
    }

    @Override
    public String toString() {
        return "wrong-blocked-pool-" + bug.name().toLowerCase();
    }

    private final class Blocked implements BlockedMaxPool2d {
        private final PoolGeometry g;
        private float[] scratch = new float[0];

        Blocked(PoolGeometry g) {
            this.g = g;
        }

        @Override
        public void run(float[] x, ChannelBlocks xl, float[] y, ChannelBlocks yl) {
            int blocks = (g.c() + LANES - 1) / LANES, row = yl.width() * LANES;
            float[] out = y;
            if (bug == Bug.SCRATCH_SHARED_BY_RUNS) {
                if (scratch.length != y.length) {
                    scratch = new float[y.length];
                }
                out = scratch;
            }
            for (int plane = 0; plane < g.n() * blocks; plane++) {
                for (int oh = 0; oh < g.oh(); oh++) {
                    int at = (plane * g.oh() + oh) * row;
                    if (bug != Bug.GARBAGE_IN_A_ZERO_COLUMN) {
                        java.util.Arrays.fill(out, at, at + row, 0f);
                    }
                    for (int ow = 0; ow < g.ow(); ow++) {
                        for (int lane = 0; lane < LANES; lane++) {
                            out[at + (yl.left() + ow) * LANES + lane] = window(x, xl, plane, oh, ow, lane);
                        }
                    }
                }
            }
            if (bug == Bug.SCRATCH_SHARED_BY_RUNS) {
                try {
                    Thread.sleep(1); // another run's turn to write the scratch
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.arraycopy(out, 0, y, 0, y.length);
            }
        }

        private float window(float[] x, ChannelBlocks xl, int plane, int oh, int ow, int lane) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int h = oh * g.strideH() - g.padH() + i * g.dilationH(), w = ow * g.strideW() - g.padW() + j * g.dilationW();
                    boolean inside = h >= 0 && h < g.h() && w >= 0 && w < g.w();
                    boolean zeroColumn = bug == Bug.ZERO_COLUMNS_AS_PADDING && h >= 0 && h < g.h() && w + xl.left() >= 0 && w + xl.left() < xl.width();
                    if (!inside && !zeroColumn) {
                        continue;
                    }
                    float v = x[((plane * g.h() + h) * xl.width() + xl.left() + w) * LANES + lane];
                    max = bug == Bug.ORDER_FREE_MAXIMUM ? Math.max(max, v) : v > max || Float.isNaN(v) ? v : max;
                }
            }
            return max;
        }

        @Override
        public MaxPool2dKernel kernel() {
            return WrongBlockedMaxPool2d.this;
        }

        @Override
        public PoolGeometry geometry() {
            return g;
        }

        @Override
        public Object layoutOwner() {
            return ChannelBlocks.class;
        }

        @Override
        public int lanes() {
            return LANES;
        }
    }
}
