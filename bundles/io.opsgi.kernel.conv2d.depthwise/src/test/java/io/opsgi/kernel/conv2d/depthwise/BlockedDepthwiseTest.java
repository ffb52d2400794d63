package io.opsgi.kernel.conv2d.depthwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The depthwise conv's channel-blocked entry point ({@link BlockedDepthwise}): every combination of x, residual and y NCHW
 * or {@link ChannelBlocks} against the kernel's own plane path ({@link DepthwiseConv2d#conv2d} and the epilogue; bit for
 * bit: same summation order, same epilogue arithmetic) and against the reference kernel followed by the reference epilogue ({@link Epilogue#applyAll}): bit for
 * bit on small integers (every sum exact, the epilogue the same float operations), within the conv2d rounding bound on
 * real data. Blocked inputs and residuals carry extra zero columns and NaN in the lanes past c (unspecified, never to
 * reach a channel); outputs start as NaN, so every float the layout defines must be written, its zero columns as zeros.
 */
class BlockedDepthwiseTest {
    private static final DirectConv2d REFERENCE = new DirectConv2d();
    private static final int THREADS = Parallel.threads();
    private final DepthwiseConv2d kernel = new DepthwiseConv2d();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    /** n images of c channels h x w, a kh x kw depthwise filter. */
    record Case(int n, int c, int h, int w, int kh, int kw, int stride, int dilation, int padTop, int padLeft, int padBottom, int padRight) {
        ConvGeometry geometry() {
            int oh = (h + padTop + padBottom - dilation * (kh - 1) - 1) / stride + 1, ow = (w + padLeft + padRight - dilation * (kw - 1) - 1) / stride + 1;
            return new ConvGeometry(n, c, h, w, c, kh, kw, stride, stride, padTop, padLeft, dilation, dilation, c, oh, ow);
        }
    }

    static Case randomCase(Random r) {
        while (true) {
            int k = switch (r.nextInt(4)) {
                case 0, 1 -> 3;
                case 2 -> 5;
                default -> 1 + r.nextInt(7);
            };
            int kw = r.nextInt(5) == 0 ? 1 + r.nextInt(7) : k;
            int stride = 1 + r.nextInt(r.nextInt(4) == 0 ? 3 : 2), dilation = r.nextInt(5) == 0 ? 2 : 1;
            int c = 1 + r.nextInt(r.nextBoolean() ? 40 : 17);
            Case cs = new Case(1 + r.nextInt(3), c, 1 + r.nextInt(23), 1 + r.nextInt(37), k, kw, stride, dilation, r.nextInt(3), r.nextInt(3),
                    r.nextInt(3), r.nextInt(3));
            if (cs.h + cs.padTop + cs.padBottom >= dilation * (k - 1) + 1 && cs.w + cs.padLeft + cs.padRight >= dilation * (kw - 1) + 1) {
                return cs;
            }
        }
    }

    /** Every epilogue kind: none, relu, relu6, hardtanh, hardswish, hardsigmoid, leaky relu, residual, bn scale/shift, sigmoid (not in registers). */
    static Epilogue epilogue(int kind, int c, Random r, boolean integers) {
        ActivationAttrs hardtanh = new ActivationAttrs(Activation.HARDTANH, 0.01f, 1f, -2f, 2f, 1f, 20f, false);
        return switch (kind) {
            case 0 -> Epilogue.NONE;
            case 1 -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU));
            case 2 -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU6));
            case 3 -> Epilogue.NONE.withActivation(hardtanh);
            case 4 -> Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.HARDSWISH));
            case 5 -> Epilogue.NONE.withResidual().withActivation(ActivationAttrs.of(Activation.HARDSIGMOID));
            case 6 -> Epilogue.NONE.withResidual().withActivation(ActivationAttrs.of(Activation.LEAKY_RELU));
            case 7 -> Epilogue.NONE.withResidual();
            case 8 -> Epilogue.of(values(r, c, integers), values(r, c, integers), false, ActivationAttrs.of(Activation.RELU6));
            case 9 -> Epilogue.of(null, values(r, c, integers), true, ActivationAttrs.of(Activation.RELU));
            default -> Epilogue.NONE.withResidual().withActivation(ActivationAttrs.of(Activation.SIGMOID));
        };
    }

    static final int EPILOGUES = 11;

    static float[] values(Random r, int size, boolean integers) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = integers ? r.nextInt(7) - 3 : (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void everyLayoutCombinationGivesTheNchwBitsAndTheReferenceBits() {
        Random r = new Random(23);
        for (int i = 0; i < 400; i++) {
            Parallel.setThreads(1 + i % 2);
            check(randomCase(r), i % EPILOGUES, r, true);
        }
    }

    @Test
    void mobilenetV2Shapes() {
        Random r = new Random(5);
        Case[] shapes = {
            new Case(1, 32, 112, 112, 3, 3, 1, 1, 1, 1, 1, 1), new Case(1, 96, 112, 112, 3, 3, 2, 1, 1, 1, 1, 1),
            new Case(1, 144, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1), new Case(1, 144, 56, 56, 3, 3, 2, 1, 1, 1, 1, 1),
            new Case(1, 192, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1), new Case(1, 192, 28, 28, 3, 3, 2, 1, 1, 1, 1, 1),
            new Case(1, 384, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1), new Case(1, 576, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1),
            new Case(1, 576, 14, 14, 3, 3, 2, 1, 1, 1, 1, 1), new Case(1, 960, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1),
            new Case(2, 40, 15, 15, 5, 5, 2, 1, 2, 2, 2, 2), // 5x5 stride 2 (EfficientNet, MnasNet), odd size, n = 2
        };
        for (int i = 0; i < shapes.length; i++) {
            Parallel.setThreads(1 + i % 2);
            check(shapes[i], i % 3 == 0 ? 2 : i % 3 == 1 ? 7 : 0, r, true); // relu6, residual (linear bottleneck), none
        }
    }

    @Test
    void realDataMatchesTheReferenceWithinRounding() {
        Random r = new Random(29);
        for (int i = 0; i < 120; i++) {
            check(randomCase(r), i % EPILOGUES, r, false);
        }
    }

    /**
     * All eight layout combinations of one case: bit for bit the kernel's plane path; on integers bit for bit the reference
     * conv plus the reference epilogue, on real data within 8·sqrt(K)·2^-24 of the conv's absolute-value scale (K taps; the
     * bound carried through the 1-Lipschitz activations and the exact-enough residual add), and the inputs unchanged.
     */
    private void check(Case k, int epilogueKind, Random r, boolean integers) {
        ConvGeometry g = k.geometry();
        assertTrue(kernel.supports(g), k.toString());
        int c = k.c, taps = k.kh * k.kw;
        float[] x = values(r, k.n * c * k.h * k.w, integers), w = values(r, c * taps, integers);
        float[] bias = r.nextInt(4) == 0 ? null : values(r, c, integers);
        Epilogue e = epilogue(epilogueKind, c, r, integers);
        int outSize = g.n() * c * g.oh() * g.ow(), plane = g.oh() * g.ow();
        float[] residual = e.residual() ? values(r, outSize, integers) : null;
        PreparedBlockedConv2d p = (PreparedBlockedConv2d) kernel.prepare(g, w, bias, e);
        assertEquals(ChannelBlocks.class, p.layoutOwner());
        assertTrue(p.readsBlocked() && p.writesBlocked(), "multiplier 1 is read and written blocked: " + k);
        // The kernel's own plane path (unprepared, then the reference epilogue): what every run must give bit for bit.
        float[] planes = new float[outSize];
        kernel.conv2d(g, x, w, bias, planes);
        e.applyAll(planes, c, plane, residual);
        float[] nchw = new float[outSize];
        p.run(x, residual, nchw); // through blocks on planes of at most 256 pixels, else the plane path
        assertBits(k + " " + e.describe() + " prepared NCHW run", nchw, planes);
        float[] reference = new float[outSize];
        REFERENCE.conv2d(g, x, w, bias, reference);
        float[] scale = null;
        if (!integers) {
            scale = new float[outSize];
            REFERENCE.conv2d(g, abs(x), abs(w), bias == null ? null : abs(bias), scale);
        }
        e.applyAll(reference, c, plane, residual);
        String what = k + " " + e.describe() + " threads " + Parallel.threads();
        compare(what + " NCHW run", nchw, reference, scale, taps, e, residual, c, plane);
        int lanes = p.lanes();
        for (int mask = 0; mask < 8; mask++) {
            boolean bx = (mask & 1) != 0, br = (mask & 2) != 0 && residual != null, by = (mask & 4) != 0;
            int xLeft = p.inputLeft() + r.nextInt(3), rLeft = r.nextInt(3), yLeft = r.nextInt(3);
            ChannelBlocks xl = bx ? new ChannelBlocks(lanes, xLeft, xLeft + k.w + p.inputRight() + r.nextInt(3)) : null;
            ChannelBlocks rl = br ? new ChannelBlocks(lanes, rLeft, rLeft + g.ow() + r.nextInt(3)) : null;
            ChannelBlocks yl = by ? new ChannelBlocks(lanes, yLeft, yLeft + g.ow() + r.nextInt(3)) : null;
            float[] xs = bx ? blocked(xl, k.n, c, k.h, k.w, x) : x.clone();
            float[] rs = br ? blocked(rl, k.n, c, g.oh(), g.ow(), residual) : residual == null ? null : residual.clone();
            float[] ys = new float[by ? (int) yl.size(k.n, c, g.oh(), g.ow()) : outSize];
            Arrays.fill(ys, Float.NaN); // a reused buffer: every float the layout defines must be written
            float[] xBefore = xs.clone(), rBefore = rs == null ? null : rs.clone();
            p.run(xs, xl, rs, rl, ys, yl);
            assertTrue(Arrays.equals(xBefore, xs), what + ": input written");
            assertTrue(Arrays.equals(rBefore, rs), what + ": residual written");
            float[] got = ys;
            if (by) {
                got = new float[outSize];
                yl.toNchw(k.n, c, g.oh(), g.ow(), ys, got);
                assertZeroColumns(yl, g.ow(), ys, what);
            }
            String layouts = what + " x " + xl + " residual " + rl + " y " + yl;
            assertBits(layouts, got, planes);
        }
    }

    private static void assertBits(String what, float[] got, float[] planes) {
        for (int j = 0; j < got.length; j++) {
            if (Float.floatToIntBits(got[j]) != Float.floatToIntBits(planes[j])) {
                fail(what + ": output " + j + " is " + got[j] + ", the plane path gives " + planes[j]);
            }
        }
    }

    /**
     * {@code got} against the reference: bit for bit on integers; on real data within 8·sqrt(K)·2^-24 of the magnitude the
     * result is made of (the conv's absolute-value scale times |bn scale|, plus |shift| and |residual|), times 1.5 for the
     * steepest activation (hardswish near 3); the epilogue's own roundings are a few 2^-24 of the same magnitude.
     */
    private static void compare(String what, float[] got, float[] reference, float[] scale, int taps, Epilogue e, float[] residual, int c,
            int plane) {
        for (int j = 0; j < got.length; j++) {
            if (scale == null) {
                if (Float.floatToIntBits(got[j]) != Float.floatToIntBits(reference[j])) {
                    fail(what + ": output " + j + " is " + got[j] + ", the reference gives " + reference[j]);
                }
                continue;
            }
            int ch = j / plane % c;
            double magnitude = scale[j] * (e.scale() == null ? 1 : Math.abs(e.scale()[ch])) + (e.shift() == null ? 0 : Math.abs(e.shift()[ch]))
                    + (residual == null ? 0 : Math.abs(residual[j]));
            double tol = 8 * Math.sqrt(taps) * 0x1p-24 * 1.5 * magnitude + 1e-30;
            if (!(Math.abs(got[j] - reference[j]) <= tol)) {
                fail(what + ": output " + j + " is " + got[j] + ", the reference gives " + reference[j] + ", tolerance " + tol);
            }
        }
    }

    /** {@code nchw} in {@code layout}, NaN in the lanes past c (unspecified: a kernel must not let them reach a channel). */
    static float[] blocked(ChannelBlocks layout, int n, int c, int h, int w, float[] nchw) {
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

    static void assertZeroColumns(ChannelBlocks l, int ow, float[] y, String what) {
        int row = l.width() * l.lanes();
        for (int start = 0; start < y.length; start += row) {
            for (int col = 0; col < l.width(); col++) {
                if (col >= l.left() && col < l.left() + ow) {
                    continue;
                }
                for (int lane = 0; lane < l.lanes(); lane++) {
                    if (Float.floatToIntBits(y[start + col * l.lanes() + lane]) != 0) {
                        fail(what + ": column " + col + " lane " + lane + " of " + l + " is " + y[start + col * l.lanes() + lane] + ", not zero");
                    }
                }
            }
        }
    }

    private static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }

    @Test
    void badLayoutsAndMultipliersAreRefusedInOneLine() {
        ConvGeometry g = new Case(1, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1).geometry();
        PreparedBlockedConv2d p = (PreparedBlockedConv2d) kernel.prepare(g, new float[16 * 9], null, Epilogue.NONE);
        assertEquals(1, p.inputLeft());
        assertEquals(1, p.inputRight());
        ChannelBlocks tooNarrow = new ChannelBlocks(p.lanes(), 0, 9);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> p.run(new float[(int) tooNarrow.size(1, 16, 8, 8)], tooNarrow, null, null, new float[16 * 64], null));
        assertTrue(ex.getMessage().contains("zero columns") && !ex.getMessage().contains("\n"), ex.getMessage());
        ChannelBlocks fine = new ChannelBlocks(p.lanes(), 1, 10);
        ex = assertThrows(IllegalArgumentException.class, () -> p.run(new float[10], fine, null, null, new float[16 * 64], null));
        assertTrue(ex.getMessage().contains("needs"), ex.getMessage());
        ConvGeometry m2 = new ConvGeometry(1, 8, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8, 8); // channel multiplier 2
        PreparedBlockedConv2d q = (PreparedBlockedConv2d) kernel.prepare(m2, new float[16 * 9], null, Epilogue.NONE);
        assertFalse(q.readsBlocked() || q.writesBlocked());
        ChannelBlocks out = new ChannelBlocks(q.lanes(), 0, 8);
        ex = assertThrows(IllegalArgumentException.class, () -> q.run(new float[8 * 64], null, null, null, new float[(int) out.size(1, 16, 8, 8)], out));
        assertTrue(ex.getMessage().contains("multiplier 2"), ex.getMessage());
        // Stride 2 on an even width: the last output's right tap is the padding column.
        ConvGeometry s2 = new Case(1, 16, 8, 8, 3, 3, 2, 1, 1, 1, 1, 1).geometry();
        PreparedBlockedConv2d p2 = (PreparedBlockedConv2d) kernel.prepare(s2, new float[16 * 9], null, Epilogue.NONE);
        assertEquals(0, p2.inputRight());
        assertArrayEquals(new int[] {4, 4}, new int[] {s2.oh(), s2.ow()});
    }

    @Test
    void anEmptyBatchWritesOnlyTheZeros() {
        ConvGeometry g = new Case(0, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1).geometry();
        PreparedBlockedConv2d p = (PreparedBlockedConv2d) kernel.prepare(g, new float[16 * 9], null, Epilogue.NONE);
        ChannelBlocks l = new ChannelBlocks(p.lanes(), 1, 10);
        p.run(new float[0], l, null, null, new float[0], l);
    }
}
