package io.opsgi.kernel.conv2d.gemm;

import static io.opsgi.testing.TensorAsserts.assertWithinScaledTolerance;
import static io.opsgi.testing.TestTensors.uniformSigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.VectorRegisters;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.Epilogue;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.Float64Conv;
import io.opsgi.testing.Float64Reference;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The 1x1 conv's channel-blocked runs ({@link PointwiseBlocked}): every combination of x, residual and y NCHW or
 * {@link ChannelBlocks} (extra zero columns of random width, NaN in the lanes past c, the output buffer full of NaN
 * before the run) gives the bits of the NCHW GEMM run with the same epilogue (the micro-kernel sums in the GEMM's
 * K blocks and order), at 1 and 2 threads, zeros in the output's zero columns, and leaves its inputs unchanged. The plain
 * sum through the blocked path is also checked against the float64 brute force (OPERATOR-SEMANTICS §1) within the
 * conv2d tolerance {@code (K+1)·2⁻²⁴·(Σ|x·w| + |bias|) + 1e-6} (see {@link GemmConv2dTest}). Cases with K above the
 * GEMM's K block (256) check the blocks' hand-over.
 */
class PointwiseBlockedTest {
    private static final GemmConv2d KERNEL = new GemmConv2d();
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    record Case(int n, int c, int h, int w, int k, int stride, boolean bias) {
        Conv2dAttrs attrs() {
            return new Conv2dAttrs(HW.of(stride, stride), ConvPadding.explicit(0, 0, 0, 0), HW.of(1, 1), 1, PadMode.CONSTANT);
        }
    }

    @Test
    void everyLayoutCombinationMatchesTheReferenceTheGemmAndEachOther() {
        Random r = new Random(17);
        for (int i = 0; i < 40; i++) {
            int stride = 1 + r.nextInt(2);
            check(new Case(1 + r.nextInt(3), 1 + r.nextInt(40), 1 + r.nextInt(15), 1 + r.nextInt(20), 1 + r.nextInt(70), stride,
                    r.nextBoolean()), r, i);
        }
        // Model shapes, scaled down: MobileNetV2 expand and project, SqueezeNet squeeze, ResNet downsample (odd size, stride 2).
        check(new Case(1, 24, 14, 14, 144, 1, true), r, 0);
        check(new Case(2, 96, 7, 7, 24, 1, true), r, 1);
        check(new Case(1, 128, 13, 13, 16, 1, true), r, 2);
        check(new Case(1, 64, 13, 15, 128, 2, false), r, 3);
        check(new Case(1, 300, 9, 8, 33, 1, true), r, 4);   // two K blocks of 150: the second starts inside input block 9
        check(new Case(2, 530, 3, 9, 20, 2, false), r, 5);  // three K blocks, no bias, n = 2
        // Blocked in, NCHW out through the GEMM on the converted input: expansions on 144 and 330 pixels, n = 2, 2 K blocks.
        check(new Case(2, 20, 12, 12, 40, 1, true), r, 6);
        check(new Case(1, 300, 15, 22, 310, 1, false), r, 2);
        // Blocked in, NCHW out: an expansion on 88 pixels of 6-pixel strips (the strips), one on 7-wide rows (the GEMM on AVX2).
        check(new Case(1, 96, 8, 11, 480, 1, true), r, 7);
        check(new Case(1, 40, 7, 7, 160, 1, true), r, 8);
        assertTrue(PointwiseBlocked.gemmForNchwOutput(Conv2d.geometry(Shape.of(2, 20, 12, 12), Shape.of(40, 20, 1, 1), null, Conv2dAttrs.defaults()))
                && PointwiseBlocked.gemmForNchwOutput(Conv2d.geometry(Shape.of(1, 300, 15, 22), Shape.of(310, 300, 1, 1), null, Conv2dAttrs.defaults()))
                && !PointwiseBlocked.gemmForNchwOutput(Conv2d.geometry(Shape.of(1, 96, 8, 11), Shape.of(480, 96, 1, 1), null, Conv2dAttrs.defaults()))
                // 7-wide rows take 4-pixel strips on 16 registers (AVX2): there the GEMM, on 32 the strips
                && PointwiseBlocked.gemmForNchwOutput(Conv2d.geometry(Shape.of(1, 320, 7, 7), Shape.of(1280, 320, 1, 1), null, Conv2dAttrs.defaults()))
                        == (VectorRegisters.stripPixels(7, VectorRegisters.COUNT) == 4)
                && !PointwiseBlocked.gemmForNchwOutput(Conv2d.geometry(Shape.of(1, 144, 56, 56), Shape.of(24, 144, 1, 1), null, Conv2dAttrs.defaults())),
                "the cases above take the paths they name");
    }

    /**
     * Every generated strip width ({@link PointwiseWidths}) on any machine, whichever this machine's rule takes: random
     * cases and rows of 7, 13, 14 and 56 pixels (strips overlapping at the row's end), every layout, the GEMM's bits.
     */
    @Test
    void everyStripWidthGivesTheGemmBits() {
        for (PointwiseStrips width : PointwiseWidths.ALL) {
            GemmConv2d kernel = new GemmConv2d(width.pixels);
            Random r = new Random(width.pixels);
            for (int i = 0; i < 12; i++) {
                check(kernel, new Case(1 + r.nextInt(2), 1 + r.nextInt(40), 1 + r.nextInt(9), 1 + r.nextInt(20), 1 + r.nextInt(70),
                        1 + r.nextInt(2), r.nextBoolean()), r, i);
            }
            check(kernel, new Case(1, 24, 3, 7, 40, 1, true), r, 0);
            check(kernel, new Case(1, 16, 2, 13, 48, 1, false), r, 2);
            check(kernel, new Case(1, 33, 2, 14, 20, 1, true), r, 4);
            check(kernel, new Case(1, 8, 2, 56, 32, 1, true), r, 5);
        }
    }

    @Test
    void theMachinesRuleTakesAGeneratedWidth() {
        for (int registers : new int[] {16, 32}) {
            for (int ow = 1; ow <= 120; ow++) {
                int p = io.opsgi.kernel.support.VectorRegisters.stripPixels(ow, registers);
                assertEquals(p, PointwiseWidths.of(p).pixels, "width " + ow + " on " + registers + " registers");
            }
        }
    }

    private void check(Case k, Random r, int i) {
        check(KERNEL, k, r, i);
    }

    /** Every layout combination of case k with one of the epilogues, against the reference, the GEMM and each other. */
    private void check(GemmConv2d kernel, Case k, Random r, int i) {
        float[] x = uniformSigned(r, Shape.of(k.n, k.c, k.h, k.w)).toArray();
        float[] w = uniformSigned(r, Shape.of(k.k, k.c, 1, 1)).toArray();
        float[] b = k.bias ? uniformSigned(r, Shape.of(k.k)).toArray() : null;
        ConvGeometry g = Conv2d.geometry(Shape.of(k.n, k.c, k.h, k.w), Shape.of(k.k, k.c, 1, 1), k.bias ? Shape.of(k.k) : null, k.attrs());
        Epilogue e = epilogue(i % 7, k.k, r);
        int outSize = g.outputShape().size();
        float[] residual = e.residual() ? uniformSigned(r, g.outputShape()).toArray() : null;
        float[] xBefore = x.clone(), wBefore = w.clone(), residualBefore = residual == null ? null : residual.clone();

        PreparedBlockedConv2d raw = (PreparedBlockedConv2d) kernel.prepare(g, w, b, Epilogue.NONE);
        PreparedBlockedConv2d p = (PreparedBlockedConv2d) kernel.prepare(g, w, b, e);
        assertEquals(ChannelBlocks.class, p.layoutOwner());
        int lanes = p.lanes();
        // The plain sum through the blocked path (x blocked, y NCHW): the reference and the GEMM within the tolerance.
        float[] sum = new float[outSize];
        ChannelBlocks xOnly = new ChannelBlocks(lanes, 0, g.w());
        raw.run(blocked(xOnly, k.n, k.c, k.h, k.w, x), xOnly, null, null, sum, null);
        Float64Reference ref = Float64Conv.conv2d(new Float64Conv.Geometry(k.n, k.c, k.h, k.w, k.k, 1, 1, k.stride, k.stride, 1, 1, new int[4], 1,
                PadMode.CONSTANT), x, w, b);
        double relative = (k.c + 1) * Math.scalb(1.0, -24);
        assertWithinScaledTolerance(k + " vs float64", Tensor.of(g.outputShape(), sum), ref.y(), ref.scale(), relative, 1e-6);
        float[] gemm = new float[outSize];
        raw.run(x, null, gemm);
        assertBitsEqual(gemm, sum, k + " plain sum, x blocked: not the NCHW GEMM's bits");
        // With the epilogue: the bits of the NCHW GEMM run (fused epilogue proven against the separate passes in GemmConv2dTest).
        float[] want = new float[outSize];
        p.run(x, residual, want);

        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (int mask = 1; mask < 8; mask++) {
                boolean bx = (mask & 1) != 0, br = (mask & 2) != 0 && residual != null, by = (mask & 4) != 0;
                if (!bx && !br && !by) {
                    continue; // all NCHW: the GEMM run, checked above
                }
                int xLeft = r.nextInt(3), rLeft = r.nextInt(3), yLeft = r.nextInt(3);
                ChannelBlocks xl = bx ? new ChannelBlocks(lanes, xLeft, xLeft + g.w() + r.nextInt(3)) : null;
                ChannelBlocks rl = br ? new ChannelBlocks(lanes, rLeft, rLeft + g.ow() + r.nextInt(3)) : null;
                ChannelBlocks yl = by ? new ChannelBlocks(lanes, yLeft, yLeft + g.ow() + r.nextInt(3)) : null;
                float[] xs = bx ? blocked(xl, g.n(), g.cIn(), g.h(), g.w(), x) : x;
                float[] rs = br ? blocked(rl, g.n(), g.cOut(), g.oh(), g.ow(), residual) : residual;
                float[] ys = new float[by ? (int) yl.size(g.n(), g.cOut(), g.oh(), g.ow()) : outSize];
                Arrays.fill(ys, Float.NaN); // a reused buffer: every float the layout defines must be written
                float[] xsBefore = xs.clone(), rsBefore = rs == null ? null : rs.clone();
                p.run(xs, xl, rs, rl, ys, yl);
                assertArrayEquals(xsBefore, xs, "input written");
                assertArrayEquals(rsBefore, rs, "residual written");
                float[] got = ys;
                if (by) {
                    got = new float[outSize];
                    yl.toNchw(g.n(), g.cOut(), g.oh(), g.ow(), ys, got);
                    assertZeroColumns(yl, g, ys, k);
                }
                assertBitsEqual(want, got, k + " " + e.describe() + " x " + xl + " residual " + rl + " y " + yl + " threads " + threads);
            }
        }
        assertArrayEquals(xBefore, x, "input written");
        assertArrayEquals(wBefore, w, "weights written");
        assertArrayEquals(residualBefore, residual, "residual written");
    }

    private static void assertBitsEqual(float[] want, float[] got, String what) {
        for (int j = 0; j < want.length; j++) {
            if (Float.floatToIntBits(got[j]) != Float.floatToIntBits(want[j])) {
                fail(what + ": output " + j + " is " + got[j] + ", the NCHW GEMM run gives " + want[j]);
            }
        }
    }

    /** The epilogues: those applied in registers (relu, clamp, residual) and those applied on the stored strip. */
    private static Epilogue epilogue(int which, int channels, Random r) {
        return switch (which) {
            case 0 -> Epilogue.NONE;
            case 1 -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU));
            case 2 -> Epilogue.NONE.withResidual();
            case 3 -> Epilogue.of(null, null, true, ActivationAttrs.of(Activation.RELU6));
            case 4 -> Epilogue.of(null, null, true, ActivationAttrs.of(Activation.SIGMOID));
            case 5 -> Epilogue.of(uniformSigned(r, channels), uniformSigned(r, channels), true, ActivationAttrs.of(Activation.RELU));
            default -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.HARDSWISH));
        };
    }

    /** {@code nchw} in {@code layout}, NaN in the lanes past c (unspecified: the kernel must not read them). */
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

    private static void assertZeroColumns(ChannelBlocks l, ConvGeometry g, float[] y, Case k) {
        int row = l.width() * l.lanes();
        for (int start = 0; start < y.length; start += row) {
            for (int col = 0; col < l.width(); col++) {
                if (col >= l.left() && col < l.left() + g.ow()) {
                    continue;
                }
                for (int lane = 0; lane < l.lanes(); lane++) {
                    if (Float.floatToIntBits(y[start + col * l.lanes() + lane]) != 0) {
                        fail(k + ": column " + col + " of " + l + " is " + y[start + col * l.lanes() + lane] + ", not zero");
                    }
                }
            }
        }
    }

    @Test
    void onlyUnpaddedUngroupedOneByOneConvsAreBlocked() {
        float[] w9 = new float[8 * 8 * 9];
        assertTrue(KERNEL.prepare(geometry(8, 1, 1, 1, 0, 1), new float[64], null, Epilogue.NONE) instanceof PreparedBlockedConv2d);
        assertTrue(KERNEL.prepare(geometry(8, 1, 1, 2, 0, 1), new float[64], null, Epilogue.NONE) instanceof PreparedBlockedConv2d);
        assertFalse(KERNEL.prepare(geometry(8, 1, 1, 1, 1, 1), new float[64], null, Epilogue.NONE) instanceof PreparedBlockedConv2d, "padded");
        assertFalse(KERNEL.prepare(geometry(8, 1, 1, 1, 0, 2), new float[32], null, Epilogue.NONE) instanceof PreparedBlockedConv2d, "groups");
        assertFalse(KERNEL.prepare(geometry(8, 3, 3, 1, 1, 1), w9, null, Epilogue.NONE) instanceof PreparedBlockedConv2d, "3x3");
    }

    private static ConvGeometry geometry(int c, int kh, int kw, int stride, int pad, int groups) {
        return Conv2d.geometry(Shape.of(1, c, 9, 9), Shape.of(8, c / groups, kh, kw), null,
                new Conv2dAttrs(HW.of(stride, stride), ConvPadding.explicit(pad, pad, pad, pad), HW.of(1, 1), groups, PadMode.CONSTANT));
    }

    @Test
    void aWrongLayoutOrShortBufferIsRefusedInOneLine() {
        ConvGeometry g = geometry(8, 1, 1, 1, 0, 1);
        PreparedBlockedConv2d p = (PreparedBlockedConv2d) KERNEL.prepare(g, new float[64], null, Epilogue.NONE);
        ChannelBlocks otherLanes = new ChannelBlocks(p.lanes() * 2, 0, 9), narrow = new ChannelBlocks(p.lanes(), 1, 9);
        ChannelBlocks fine = new ChannelBlocks(p.lanes(), 0, 9);
        float[] big = new float[(int) otherLanes.size(1, 8, 9, 9)];
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> p.run(big, otherLanes, null, null, new float[8 * 81], null));
        assertTrue(a.getMessage().contains("lanes") && !a.getMessage().contains("\n"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> p.run(big, fine, null, null, new float[8 * 81], narrow));
        assertTrue(b.getMessage().contains("holding 9 columns"), b.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> p.run(new float[10], fine, null, null, new float[8 * 81], null));
        assertTrue(c.getMessage().contains("needs " + fine.size(1, 8, 9, 9) + " floats"), c.getMessage());
    }
}
