package io.opsgi.kernel.conv2d.blocked;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.kernel.conv2d.blocked.BlockedConv2dTest.Case;
import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.kernel.support.Parallel;
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
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tap-run path of few input channels ({@link BlockedLayout#tapRuns}, a network's first conv) against the reference
 * kernel: integer data (exact in any summation order, so any wrong tap, phase, chunk or edge column is a plain mismatch),
 * unprepared, prepared with each kind of epilogue, NCHW and blocked output, and real data within rounding.
 */
class TapRunsTest {
    private static final DirectConv2d REFERENCE = new DirectConv2d();
    private static final int THREADS = Parallel.threads();
    private final BlockedConv2d kernel = new BlockedConv2d();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    /** cIn 1 to 4, square kernels 3/5/7 (sometimes any kh x kw), stride 1 to 3, padding 0 to 3 per side, odd sizes, n up to 3. */
    static Case smallInputCase(Random r) {
        while (true) {
            int n = 1 + r.nextInt(3), c = 1 + r.nextInt(BlockedLayout.SMALL_CIN), k = 1 + r.nextInt(70);
            int kh = 3 + 2 * r.nextInt(3), kw = kh;
            if (r.nextInt(4) == 0) {
                kh = 1 + r.nextInt(7);
                kw = 1 + r.nextInt(7);
            }
            int h = 1 + r.nextInt(24), w = 1 + r.nextInt(40);
            HW stride = HW.of(1 + r.nextInt(r.nextInt(4) == 0 ? 3 : 2), 1 + r.nextInt(r.nextInt(4) == 0 ? 3 : 2));
            HW dilation = r.nextInt(5) == 0 ? HW.of(1 + r.nextInt(2), 1 + r.nextInt(3)) : HW.of(1);
            ConvPadding pad = ConvPadding.explicit(r.nextInt(4), r.nextInt(4), r.nextInt(4), r.nextInt(4));
            if (h + pad.top() + pad.bottom() < dilation.h() * (kh - 1) + 1 || w + pad.left() + pad.right() < dilation.w() * (kw - 1) + 1) {
                continue;
            }
            return new Case(n, c, h, w, k, kh, kw, new Conv2dAttrs(stride, pad, dilation, 1, PadMode.CONSTANT), r.nextBoolean());
        }
    }

    @Test
    void randomSmallInputGeometriesMatchTheReferenceExactly() {
        Random r = new Random(303);
        for (int i = 0; i < 300; i++) {
            Case k = smallInputCase(r);
            assertTapRuns(k);
            Parallel.setThreads(1 + i % 3);
            BlockedConv2dTest.assertExactlyReference(kernel, k, r);
        }
    }

    /** The three stems at reduced height, and rows wide enough for two and three chunks of runs (ow > 126). */
    @Test
    void stemsAndWideRowsMatchTheReferenceExactly() {
        Random r = new Random(7);
        List<Case> cases = List.of(
                new Case(1, 3, 23, 224, 64, 7, 7, attrs(2, 3), false),  // ResNet conv1, full width
                new Case(2, 3, 21, 223, 64, 3, 3, attrs(2, 0), true),   // SqueezeNet features.0, odd width
                new Case(1, 3, 19, 224, 32, 3, 3, attrs(2, 1), false),  // MobileNetV2 features.0
                new Case(1, 3, 5, 301, 20, 3, 3, attrs(1, 1), true),    // stride 1: three chunks, an odd block count
                new Case(2, 1, 4, 259, 16, 5, 5, attrs(2, 2), true));   // one channel, one block
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (Case k : cases) {
                assertTapRuns(k);
                BlockedConv2dTest.assertExactlyReference(kernel, k, r);
            }
        }
    }

    /**
     * Prepared with each kind of epilogue (fused into the strip outputs on this path), NCHW and blocked output, run twice:
     * the reference followed by the epilogue, bit for bit; the blocked output's zero columns are written.
     */
    @Test
    void preparedRunsWithEachEpilogueMatchTheReferenceInBothLayouts() {
        Random r = new Random(11);
        for (int i = 0; i < 140; i++) {
            Parallel.setThreads(1 + i % 2);
            Case k = i < 7 ? new Case(1 + i % 2, 3, 17, 45, 64, 7, 7, attrs(2, 3), i % 3 == 0) : smallInputCase(r);
            assertTapRuns(k);
            Tensor x = BlockedConv2dTest.smallIntegers(r, k.n(), k.c(), k.h(), k.w()), w = BlockedConv2dTest.smallIntegers(r, k.k(), k.c(), k.kh(), k.kw());
            Tensor b = k.bias() ? BlockedConv2dTest.smallIntegers(r, k.k()) : null;
            ConvGeometry g = Conv2d.geometry(x.shape(), w.shape(), b == null ? null : b.shape(), k.attrs());
            // relu, relu6 and hardtanh alone are clamped in registers; the others go through the epilogue pass.
            Epilogue e = switch (i % 7) {
                case 0 -> Epilogue.NONE;
                case 1 -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU));
                case 2 -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU6));
                case 3 -> Epilogue.NONE.withActivation(ActivationAttrs.hardtanh(-2f, 3f));
                case 4 -> Epilogue.of(null, BlockedConv2dTest.smallIntegers(r, k.k()).toArray(), true, ActivationAttrs.of(Activation.RELU6));
                case 5 -> Epilogue.of(BlockedConv2dTest.smallIntegers(r, k.k()).toArray(), null, false, ActivationAttrs.of(Activation.HARDSWISH));
                default -> Epilogue.NONE.withResidual().withActivation(ActivationAttrs.of(Activation.SIGMOID));
            };
            int plane = g.oh() * g.ow(), outSize = g.n() * g.cOut() * plane;
            float[] residual = e.residual() ? BlockedConv2dTest.smallIntegers(r, g.n(), g.cOut(), g.oh(), g.ow()).toArray() : null;
            float[] want = Conv2d.apply(REFERENCE, x, w, b, k.attrs()).toArray();
            for (int img = 0; img < g.n(); img++) {
                float[] one = Arrays.copyOfRange(want, img * g.cOut() * plane, (img + 1) * g.cOut() * plane);
                e.applyAll(one, g.cOut(), plane, residual == null ? null : Arrays.copyOfRange(residual, img * g.cOut() * plane, (img + 1) * g.cOut() * plane));
                System.arraycopy(one, 0, want, img * g.cOut() * plane, one.length);
            }
            PreparedBlockedConv2d p = (PreparedBlockedConv2d) kernel.prepare(g, w.toArray(), b == null ? null : b.toArray(), e);
            int left = 1 + i % 2;
            ChannelBlocks yl = new ChannelBlocks(p.lanes(), left, left + g.ow() + i % 3);
            for (int run = 0; run < 2; run++) {
                float[] y = new float[outSize];
                Arrays.fill(y, Float.NaN);
                p.run(x.toArray(), residual, y);
                assertBits(want, y, k + " " + e.describe() + " NCHW out, run " + run);
                float[] yb = new float[(int) yl.size(g.n(), g.cOut(), g.oh(), g.ow())];
                Arrays.fill(yb, Float.NaN);
                p.run(x.toArray(), null, residual, null, yb, yl);
                BlockedHandoffTest.assertZeroColumns(yl, g, yb, k);
                float[] got = new float[outSize];
                yl.toNchw(g.n(), g.cOut(), g.oh(), g.ow(), yb, got);
                assertBits(want, got, k + " " + e.describe() + " blocked out " + yl + ", run " + run);
            }
        }
    }

    /** Real-valued data within the rounding bound of {@link BlockedConv2dTest#realDataMatchesTheReferenceWithinRounding}. */
    @Test
    void realDataMatchesTheReferenceWithinRounding() {
        Random r = new Random(19);
        for (int i = 0; i < 60; i++) {
            Case k = i == 0 ? new Case(1, 3, 9, 224, 64, 7, 7, attrs(2, 3), true) : smallInputCase(r);
            Tensor x = BlockedConv2dTest.gaussian(r, k.n(), k.c(), k.h(), k.w()), w = BlockedConv2dTest.gaussian(r, k.k(), k.c(), k.kh(), k.kw());
            Tensor b = k.bias() ? BlockedConv2dTest.gaussian(r, k.k()) : null;
            Tensor expected = Conv2d.apply(REFERENCE, x, w, b, k.attrs());
            Tensor scale = Conv2d.apply(REFERENCE, BlockedConv2dTest.abs(x), BlockedConv2dTest.abs(w), b == null ? null : BlockedConv2dTest.abs(b), k.attrs());
            Tensor actual = Conv2d.apply(kernel, x, w, b, k.attrs());
            double bound = 8 * Math.sqrt(k.c() * k.kh() * k.kw()) * 0x1p-24;
            for (int j = 0; j < expected.size(); j++) {
                double tol = bound * scale.getFlat(j) + 1e-30;
                assertTrue(Math.abs(actual.getFlat(j) - expected.getFlat(j)) <= tol,
                        k + ": output " + j + " is " + actual.getFlat(j) + ", reference " + expected.getFlat(j) + ", tolerance " + tol);
            }
        }
    }

    /** The case goes through tap runs (else this class would prove another path). */
    private static void assertTapRuns(Case k) {
        ConvGeometry g = Conv2d.geometry(io.opsgi.tensor.Shape.of(k.n(), k.c(), k.h(), k.w()), io.opsgi.tensor.Shape.of(k.k(), k.c(), k.kh(), k.kw()),
                null, k.attrs());
        assertTrue(new BlockedLayout(g, Strips.LANES).tapRuns, k + " does not take the tap-run path");
    }

    private static Conv2dAttrs attrs(int stride, int pad) {
        return Conv2dAttrs.defaults().withStride(stride).withPadding(pad);
    }

    private static void assertBits(float[] want, float[] got, String what) {
        for (int j = 0; j < want.length; j++) {
            if (Float.floatToIntBits(got[j]) != Float.floatToIntBits(want[j])) {
                fail(what + " threads " + Parallel.threads() + ": output " + j + " is " + got[j] + ", the reference and epilogue give " + want[j]);
            }
        }
    }
}
