package io.opsgi.conformance;

import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;

/**
 * A conv whose plain calls and NCHW prepared runs are right (the reference loop) and whose blocked entry points
 * ({@link ChannelBlocks}, 8 lanes, groups 1) are wrong in one way each, written from scratch for showing that the
 * blocked path's checks bite ({@link Bug#NONE}: the same code without a bug, the control). Its blocked run reads the
 * blocked input into NCHW, runs the reference loop and the epilogue, and writes the blocked output: slow and simple.
 * Shared by the properties' tests (this module's test-jar).
 */
public final class WrongBlockedConv2d implements Conv2dKernel {
    public static final int LANES = 8;

    public enum Bug {
        NONE,
        /** Reads a blocked input one column to the left: the row stride right, the offset of column 0 one short. */
        INPUT_ONE_COLUMN_OFF,
        /**
         * Sums over whole channel blocks with the weights of the lanes past c zero-padded, as a vector loop does: right
         * while those lanes hold zeros, NaN everywhere once they hold NaN (the contract leaves them unspecified).
         */
        LANES_PAST_C_REACH_A_CHANNEL,
        /** Writes a blocked output's columns [left, left + ow) only: whatever the buffer held stays in its zero columns. */
        GARBAGE_IN_A_ZERO_COLUMN,
        /** Takes a blocked residual as none: the epilogue adds zeros (an NCHW residual is added). */
        IGNORES_BLOCKED_RESIDUAL,
        /** Writes an output placed at an offset of a larger array (a concat's) at float 0, as if it had its own array. */
        PLACED_OUTPUT_AT_ZERO,
        /**
         * Computes a blocked run into one scratch array of the prepared conv and copies it out: right on one thread, wrong
         * when a plan's concurrent runs share the prepared conv.
         */
        SCRATCH_SHARED_BY_RUNS
    }

    private static final DirectConv2d REFERENCE = new DirectConv2d();
    private final Bug bug;

    public WrongBlockedConv2d(Bug bug) {
        this.bug = bug;
    }

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        REFERENCE.conv2d(g, x, w, bias, y);
    }

    @Override
    public PreparedConv2d prepare(ConvGeometry g, float[] w, float[] bias, Epilogue epilogue) {
        PreparedConv2d plain = Conv2dKernel.super.prepare(g, w, bias, epilogue);
        return g.groups() == 1 ? new Blocked(plain, w.clone(), bias == null ? null : bias.clone()) : plain;
    }

    @Override
    public String toString() {
        return "wrong-blocked-" + bug.name().toLowerCase();
    }

    private final class Blocked implements PreparedBlockedConv2d {
        private final PreparedConv2d plain;
        private final float[] w, bias;
        private float[] scratch = new float[0];

        Blocked(PreparedConv2d plain, float[] w, float[] bias) {
            this.plain = plain;
            this.w = w;
            this.bias = bias;
        }

        @Override
        public void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, ChannelBlocks yLayout) {
            ConvGeometry g = geometry();
            float[] out = new float[g.n() * g.cOut() * g.oh() * g.ow()];
            if (bug == Bug.SCRATCH_SHARED_BY_RUNS) {
                if (scratch.length != out.length) {
                    scratch = new float[out.length];
                }
                out = scratch;
            }
            if (xLayout == null) {
                REFERENCE.conv2d(g, x, w, bias, out);
            } else if (bug == Bug.LANES_PAST_C_REACH_A_CHANNEL) {
                int padded = (g.cIn() + LANES - 1) / LANES * LANES;
                float[] xs = read(xLayout, g.n(), padded, g.h(), g.w(), x, 0);
                float[] ws = new float[g.cOut() * padded * g.kh() * g.kw()]; // lanes past c: zero weights
                for (int o = 0; o < g.cOut(); o++) {
                    System.arraycopy(w, o * g.cIn() * g.kh() * g.kw(), ws, o * padded * g.kh() * g.kw(), g.cIn() * g.kh() * g.kw());
                }
                REFERENCE.conv2d(new ConvGeometry(g.n(), padded, g.h(), g.w(), g.cOut(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padTop(),
                        g.padLeft(), g.dilationH(), g.dilationW(), 1, g.oh(), g.ow()), xs, ws, bias, out);
            } else {
                REFERENCE.conv2d(g, read(xLayout, g.n(), g.cIn(), g.h(), g.w(), x, bug == Bug.INPUT_ONE_COLUMN_OFF ? -1 : 0), w, bias, out);
            }
            float[] r = residual;
            if (residualLayout != null) {
                r = bug == Bug.IGNORES_BLOCKED_RESIDUAL ? new float[out.length] : read(residualLayout, g.n(), g.cOut(), g.oh(), g.ow(), residual, 0);
            }
            epilogue().applyAll(out, g.cOut(), g.oh() * g.ow(), r);
            if (bug == Bug.SCRATCH_SHARED_BY_RUNS) {
                pause(); // another run's turn to write the scratch
            }
            if (yLayout == null) {
                System.arraycopy(out, 0, y, 0, out.length);
            } else if (bug == Bug.GARBAGE_IN_A_ZERO_COLUMN) {
                float[] full = new float[y.length];
                yLayout.fromNchw(g.n(), g.cOut(), g.oh(), g.ow(), out, full);
                int row = yLayout.width() * LANES;
                for (int at = 0; at < y.length; at += row) {
                    System.arraycopy(full, at + yLayout.left() * LANES, y, at + yLayout.left() * LANES, g.ow() * LANES);
                }
            } else {
                yLayout.fromNchw(g.n(), g.cOut(), g.oh(), g.ow(), out, y);
            }
        }

        @Override
        public void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, int yOffset, ChannelBlocks yLayout) {
            if (bug == Bug.PLACED_OUTPUT_AT_ZERO) {
                run(x, xLayout, residual, residualLayout, y, yLayout);
            } else {
                PreparedBlockedConv2d.super.run(x, xLayout, residual, residualLayout, y, yOffset, yLayout);
            }
        }

        private static void pause() {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** {@code c} channels (n, c, h, w) out of layout {@code l}, each column read {@code shift} columns away. */
        private static float[] read(ChannelBlocks l, int n, int c, int h, int w, float[] blocked, int shift) {
            float[] nchw = new float[n * c * h * w];
            int blocks = (c + LANES - 1) / LANES;
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int row = 0; row < h; row++) {
                        for (int col = 0; col < w; col++) {
                            nchw[((i * c + ch) * h + row) * w + col] =
                                    blocked[((((i * blocks + ch / LANES) * h + row) * l.width()) + l.left() + col + shift) * LANES + ch % LANES];
                        }
                    }
                }
            }
            return nchw;
        }

        @Override
        public void run(float[] x, float[] residual, float[] y) {
            plain.run(x, residual, y);
        }

        @Override
        public Conv2dKernel kernel() {
            return WrongBlockedConv2d.this;
        }

        @Override
        public ConvGeometry geometry() {
            return plain.geometry();
        }

        @Override
        public Epilogue epilogue() {
            return plain.epilogue();
        }

        @Override
        public Object layoutOwner() {
            return ChannelBlocks.class;
        }

        @Override
        public int lanes() {
            return LANES;
        }

        @Override
        public boolean readsBlocked() {
            return true;
        }

        @Override
        public boolean writesBlocked() {
            return true;
        }

        @Override
        public int inputLeft() {
            return 0;
        }

        @Override
        public int inputRight() {
            return 0;
        }
    }
}
