package io.opsgi.kernel.pool2d.vector;

import static io.opsgi.kernel.pool2d.vector.RowTaps.F;
import static io.opsgi.kernel.pool2d.vector.RowTaps.L;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.Windows;
import io.opsgi.op.BlockedMaxPool2d;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * max_pool2d's values on channel blocks of {@link RowTaps#L} lanes: one vector per pixel holds a block's channels, so a
 * window is {@code kh·kw} vector loads whatever its stride (no gathering of strided columns, which the NCHW kernel
 * spends most of its time on). Each lane follows the reference's rule in the window's row-major order (replace on
 * strict {@code >} or NaN), so the values are the NCHW kernel's exact path's, signed zeros and NaN included. Rows of
 * (image, block, output row) are spread over {@link Parallel}'s threads.
 */
final class BlockedMaxPool implements BlockedMaxPool2d {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private final MaxPool2dKernel kernel;
    private final PoolGeometry g;
    /** Per output column: its first input column inside the input and its window columns inside (ATen's clipping). */
    private final int[] firstColumn, columns;

    BlockedMaxPool(MaxPool2dKernel kernel, PoolGeometry g) {
        this.kernel = kernel;
        this.g = g;
        this.firstColumn = new int[g.ow()];
        this.columns = new int[g.ow()];
        for (int o = 0; o < g.ow(); o++) {
            int ws = Windows.start(o, g.strideW(), g.padW());
            firstColumn[o] = Windows.firstInside(ws, g.dilationW());
            int end = Windows.dilatedEnd(ws, g.kw(), g.dilationW(), g.w());
            columns[o] = Math.max(0, (end - firstColumn[o] + g.dilationW() - 1) / g.dilationW());
        }
    }

    @Override
    public MaxPool2dKernel kernel() {
        return kernel;
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
        return L;
    }

    @Override
    public void run(float[] x, ChannelBlocks xl, float[] y, ChannelBlocks yl) {
        check(x, xl, g.h(), g.w(), "input");
        check(y, yl, g.oh(), g.ow(), "output");
        int blocks = (g.c() + L - 1) / L, rows = g.n() * blocks * g.oh();
        long tapsPerRow = Math.max(1L, (long) g.ow() * g.kh() * g.kw() * L);
        int grain = (int) Math.min(Math.max(1, rows), Math.max(1L, OutputRows.MIN_TAPS_PER_CHUNK / tapsPerRow));
        Parallel.forRange(rows, grain, (from, to) -> {
            for (int r = from; r < to; r++) {
                row(x, xl, y, yl, r / g.oh(), r % g.oh());
            }
        });
    }

    /** Output row {@code oh} of block {@code plane} (image·blocks + block), its zero columns included. */
    private void row(float[] x, ChannelBlocks xl, float[] y, ChannelBlocks yl, int plane, int oh) {
        int dh = g.dilationH(), dw = g.dilationW(), xRow = xl.width() * L;
        int hs = Windows.start(oh, g.strideH(), g.padH());
        int h0 = Windows.firstInside(hs, dh), h1 = Windows.dilatedEnd(hs, g.kh(), dh, g.h());
        int windowRows = Math.max(0, (h1 - h0 + dh - 1) / dh);
        int in = (plane * g.h() + h0) * xRow + xl.left() * L, rowStep = dh * xRow, colStep = dw * L;
        int out = (plane * g.oh() + oh) * yl.width() * L;
        Arrays.fill(y, out, out + yl.left() * L, 0f);
        Arrays.fill(y, out + (yl.left() + g.ow()) * L, out + yl.width() * L, 0f);
        out += yl.left() * L;
        for (int o = 0; o < g.ow(); o++, out += L) {
            int cols = columns[o], taps = windowRows * cols;
            if (taps == 9 && cols == 3) { // a whole 3x3 window (ResNet's and SqueezeNet's pools) in straight code: 0.20 against 0.27 ms looped
                int a0 = in + firstColumn[o] * L, a1 = a0 + rowStep, a2 = a1 + rowStep;
                FloatVector m = FloatVector.fromArray(F, x, a0); // as taking it over -inf: it is the maximum so far, NaN or not
                m = take(m, x, a0 + colStep);
                m = take(m, x, a0 + 2 * colStep);
                m = take(m, x, a1);
                m = take(m, x, a1 + colStep);
                m = take(m, x, a1 + 2 * colStep);
                m = take(m, x, a2);
                m = take(m, x, a2 + colStep);
                take(m, x, a2 + 2 * colStep).intoArray(y, out);
                continue;
            }
            FloatVector max = FloatVector.broadcast(F, NEG_INF);
            // One loop over the taps in row-major order: Java 17's JIT boxes vectors carried across two loop levels.
            for (int t = 0, c = 0, rowStart = in + firstColumn[o] * L, at = rowStart; t < taps; t++) {
                max = take(max, x, at);
                if (++c == cols) {
                    c = 0;
                    rowStart += rowStep;
                    at = rowStart;
                } else {
                    at += colStep;
                }
            }
            max.intoArray(y, out);
        }
    }

    /** The reference's step, lane by lane: the tap at {@code at} replaces the maximum if it is strictly greater or NaN. */
    private static FloatVector take(FloatVector max, float[] x, int at) {
        FloatVector v = FloatVector.fromArray(F, x, at);
        return max.blend(v, v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v)));
    }

    /** One clear line for a layout of other lanes, too few columns, or an array too short for it. */
    private void check(float[] a, ChannelBlocks c, int h, int w, String what) {
        if (c == null || c.lanes() != L || c.left() + (long) w > c.width()) {
            throw new IllegalArgumentException("blocked max_pool2d " + g + ": the " + what + " as " + c + " is not a layout of " + L + " lanes holding "
                    + w + " columns");
        }
        long need = c.size(g.n(), g.c(), h, w);
        if (a == null || a.length < need) {
            throw new IllegalArgumentException("blocked max_pool2d " + g + ": the " + what + " needs " + need + " floats as " + c + ", got "
                    + (a == null ? "none" : a.length));
        }
    }
}
