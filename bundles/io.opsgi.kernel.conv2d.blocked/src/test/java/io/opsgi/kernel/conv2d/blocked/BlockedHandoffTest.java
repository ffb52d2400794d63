package io.opsgi.kernel.conv2d.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.kernel.conv2d.blocked.BlockedConv2dTest.Case;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blocked hand-off: a prepared conv reading its input, its residual and writing its output as {@link ChannelBlocks}
 * gives the same bits as its NCHW run (same summation order and epilogue), whatever the extra zero columns of the
 * layout, with NaN in the unspecified lanes past the channels (never read), and it writes its output's zero columns.
 * The NCHW run itself is proven against the reference in {@link BlockedConv2dTest}.
 */
class BlockedHandoffTest {
    private static final int THREADS = Parallel.threads();
    private final BlockedConv2d kernel = new BlockedConv2d();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    @Test
    void blockedInputResidualAndOutputGiveTheNchwBits() {
        Random r = new Random(41);
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            Parallel.setThreads(1 + i % 2);
            checked += check(kernel, BlockedConv2dTest.randomCase(r), r) ? 1 : 0;
        }
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            check(kernel, new Case(1, 64, 14, 14, 64, 3, 3, Conv2dAttrs.defaults().withPadding(1), true), r);             // resnet, stride 1
            check(kernel, new Case(1, 64, 14, 14, 128, 3, 3, Conv2dAttrs.defaults().withPadding(1).withStride(2), true), r); // resnet, stride 2
            check(kernel, new Case(2, 20, 9, 23, 40, 3, 3, Conv2dAttrs.defaults().withPadding(1).withStride(2), false), r);  // odd blocks, partial lanes
        }
        assertTrue(checked > 100, "too few random geometries the kernel supports: " + checked);
    }

    /** Every combination of NCHW and blocked for x, residual and y against the all-NCHW run; false if the kernel declines g. */
    static boolean check(BlockedConv2d kernel, Case k, Random r) {
        Tensor x = BlockedConv2dTest.smallIntegers(r, k.n(), k.c(), k.h(), k.w()), w = BlockedConv2dTest.smallIntegers(r, k.k(), k.c(), k.kh(), k.kw());
        Tensor b = k.bias() ? BlockedConv2dTest.smallIntegers(r, k.k()) : null;
        ConvGeometry g = Conv2d.geometry(x.shape(), w.shape(), b == null ? null : b.shape(), k.attrs());
        if (!kernel.supports(g)) {
            return false;
        }
        Epilogue e = switch (r.nextInt(4)) {
            case 0 -> Epilogue.NONE;
            case 1 -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU));
            case 2 -> Epilogue.of(null, BlockedConv2dTest.smallIntegers(r, k.k()).toArray(), true, ActivationAttrs.of(Activation.RELU6));
            default -> Epilogue.NONE.withResidual().withActivation(ActivationAttrs.of(Activation.SIGMOID));
        };
        PreparedBlockedConv2d p = (PreparedBlockedConv2d) kernel.prepare(g, w.toArray(), b == null ? null : b.toArray(), e);
        int outSize = g.n() * g.cOut() * g.oh() * g.ow();
        float[] residual = e.residual() ? BlockedConv2dTest.smallIntegers(r, g.n(), g.cOut(), g.oh(), g.ow()).toArray() : null;
        float[] want = new float[outSize];
        p.run(x.toArray(), residual, want);
        int lanes = p.lanes();
        for (int mask = 1; mask < 8; mask++) {
            boolean bx = (mask & 1) != 0 && p.readsBlocked(), br = (mask & 2) != 0 && residual != null, by = (mask & 4) != 0;
            int xLeft = p.inputLeft() + r.nextInt(3), rLeft = r.nextInt(3), yLeft = 1 + r.nextInt(2);
            ChannelBlocks xl = bx ? new ChannelBlocks(lanes, xLeft, xLeft + g.w() + p.inputRight() + r.nextInt(3)) : null;
            ChannelBlocks rl = br ? new ChannelBlocks(lanes, rLeft, rLeft + g.ow() + r.nextInt(3)) : null;
            ChannelBlocks yl = by ? new ChannelBlocks(lanes, yLeft, yLeft + g.ow() + 1 + r.nextInt(2)) : null;
            float[] xs = bx ? blocked(xl, g.n(), g.cIn(), g.h(), g.w(), x.toArray()) : x.toArray();
            float[] rs = br ? blocked(rl, g.n(), g.cOut(), g.oh(), g.ow(), residual) : residual;
            float[] ys = new float[by ? (int) yl.size(g.n(), g.cOut(), g.oh(), g.ow()) : outSize];
            Arrays.fill(ys, Float.NaN); // a reused buffer: every float the layout defines must be written
            float[] xBefore = xs.clone();
            p.run(xs, xl, rs, rl, ys, yl);
            assertEquals(Arrays.toString(xBefore).hashCode(), Arrays.toString(xs).hashCode(), "input written");
            float[] got = ys;
            if (by) {
                got = new float[outSize];
                yl.toNchw(g.n(), g.cOut(), g.oh(), g.ow(), ys, got);
                assertZeroColumns(yl, g, ys, k);
            }
            for (int j = 0; j < outSize; j++) {
                if (Float.floatToIntBits(got[j]) != Float.floatToIntBits(want[j])) {
                    fail(k + " " + e.describe() + " x " + xl + " residual " + rl + " y " + yl + " threads " + Parallel.threads() + ": output " + j
                            + " is " + got[j] + ", the NCHW run gives " + want[j]);
                }
            }
        }
        return true;
    }

    /** {@code nchw} in {@code layout}, NaN in the lanes past c (unspecified: a kernel must not read them). */
    private static float[] blocked(ChannelBlocks layout, int n, int c, int h, int w, float[] nchw) {
        float[] b = new float[(int) layout.size(n, c, h, w)];
        layout.fromNchw(n, c, h, w, nchw, b);
        int blocks = (c + layout.lanes() - 1) / layout.lanes();
        for (int i = 0; i < b.length; i++) {
            int lane = i % layout.lanes(), block = i / layout.lanes() / layout.width() / h % blocks;
            if (block * layout.lanes() + lane >= c) {
                b[i] = Float.NaN;
            }
        }
        return b;
    }

    static void assertZeroColumns(ChannelBlocks l, ConvGeometry g, float[] y, Case k) {
        int row = l.width() * l.lanes();
        for (int start = 0; start < y.length; start += row) {
            for (int col = 0; col < l.width(); col++) {
                if (col >= l.left() && col < l.left() + g.ow()) {
                    continue;
                }
                for (int lane = 0; lane < l.lanes(); lane++) {
                    if (y[start + col * l.lanes() + lane] != 0f) {
                        fail(k + ": column " + col + " of " + l + " is not zero");
                    }
                }
            }
        }
    }

    @Test
    void aLayoutWithTooFewZeroColumnsIsRefusedInOneLine() {
        ConvGeometry g = Conv2d.geometry(io.opsgi.tensor.Shape.of(1, 16, 8, 8), io.opsgi.tensor.Shape.of(16, 16, 3, 3), null,
                Conv2dAttrs.defaults().withPadding(1));
        PreparedBlockedConv2d p = (PreparedBlockedConv2d) kernel.prepare(g, new float[16 * 16 * 9], null, Epilogue.NONE);
        assertTrue(p.readsBlocked());
        ChannelBlocks tooNarrow = new ChannelBlocks(p.lanes(), 0, 8);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> p.run(new float[(int) tooNarrow.size(1, 16, 8, 8)], tooNarrow, null, null, new float[16 * 64], null));
        assertTrue(ex.getMessage().contains("zero columns"), ex.getMessage());
        ConvGeometry s3 = Conv2d.geometry(io.opsgi.tensor.Shape.of(1, 16, 9, 9), io.opsgi.tensor.Shape.of(16, 16, 3, 3), null,
                Conv2dAttrs.defaults().withStride(3));
        assertFalse(((PreparedBlockedConv2d) kernel.prepare(s3, new float[16 * 16 * 9], null, Epilogue.NONE)).readsBlocked());
    }
}
