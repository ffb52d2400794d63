package io.opsgi.kernel.conv2d.gemm;

import static io.opsgi.kernel.conv2d.gemm.PointwiseStrips.LANES;
import static io.opsgi.kernel.conv2d.gemm.PointwiseStrips.PIXELS;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.VectorEpilogue;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import java.util.Arrays;

/**
 * A prepared 1x1 conv (groups 1, no padding, any stride) that also reads and writes {@link ChannelBlocks} of
 * {@link PointwiseStrips#LANES} lanes, so that MobileNet's pointwise convs, SqueezeNet's squeeze/expand and ResNet's
 * downsamples exchange blocks with the depthwise and blocked 3x3 convs around them (ONNX Runtime's NCHWc pointwise
 * kernel). Its NCHW run ({@link #run(float[], float[], float[])}) is the GEMM's, unchanged.
 *
 * <p>A blocked run is the NCHWc scheme: a strip of {@link PointwiseStrips#PIXELS} output pixels of a row times two
 * output-channel blocks in vector accumulators, started at the bias, each input value broadcast against weight vectors
 * packed once here to [pair of blocks][cIn][2·LANES] (zero lanes past cOut). The input is read in place in either
 * layout (no packing); a row's last strip starts at {@code ow - PIXELS}, overlapping the one before, instead of a
 * narrower kernel. A blocked output is stored as it is, the residual added and relu/clamp applied in registers; other
 * epilogues run on the stored strip while it is in L1 ({@link VectorEpilogue#applyBlocked}). An NCHW output or residual
 * goes through a small per-task strip buffer, transposed as the strip is stored (or before it is read).
 *
 * <p>Threads ({@link Parallel}): tasks over (chunk of output rows, pair of blocks), chunks small enough that their
 * input stays in L2 while each pair's weights pass over it; below {@link Parallel#INLINE_FLOPS} on the calling thread.
 */
final class PointwiseBlocked implements PreparedBlockedConv2d {
    /** Input floats per task's chunk of rows: a pair's sweep over the chunk rereads it from L2, not memory. */
    private static final int CHUNK_FLOATS = 32 * 1024;

    private final PreparedConv2d plain;
    private final ConvGeometry g;
    private final Epilogue e;
    private final int outBlocks, pairs;
    private final float[] packed, packedBias;
    /** The epilogue part done in registers by the strips, and whether the rest needs {@link VectorEpilogue#applyBlocked}. */
    private final int act;
    private final float lo, hi;
    private final boolean inRegisters;
    private final long flops;

    /** Whether a prepared conv of {@code g} reads and writes blocks: 1x1, groups 1, every output reading an input pixel. */
    static boolean serves(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.groups() == 1 && g.padTop() == 0 && g.padLeft() == 0 && g.oh() >= 1 && g.ow() >= 1
                && (g.oh() - 1L) * g.strideH() < g.h() && (g.ow() - 1L) * g.strideW() < g.w()
                && (long) g.cIn() * 2 * LANES * ((g.cOut() + 2L * LANES - 1) / (2 * LANES)) < Integer.MAX_VALUE - 64;
    }

    PointwiseBlocked(PreparedConv2d plain, ConvGeometry g, float[] w, float[] bias, Epilogue e) {
        this.plain = plain;
        this.g = g;
        this.e = e;
        this.outBlocks = (g.cOut() + LANES - 1) / LANES;
        this.pairs = (outBlocks + 1) / 2;
        this.packed = new float[pairs * pairStride()];
        this.packedBias = new float[pairs * 2 * LANES];
        if (bias != null) {
            System.arraycopy(bias, 0, packedBias, 0, g.cOut());
        }
        Parallel.forEach(pairs, pair -> pack(w, pair));
        ActivationAttrs a = e.activation();
        boolean simpleAct = a == null || a.fn() == Activation.RELU || a.fn() == Activation.RELU6 || a.fn() == Activation.HARDTANH;
        this.inRegisters = e.scale() == null && e.shift() == null && simpleAct;
        this.act = !inRegisters || a == null ? PointwiseStrips.NONE : a.fn() == Activation.RELU ? PointwiseStrips.RELU : PointwiseStrips.CLAMP;
        this.lo = a == null ? 0f : a.fn() == Activation.RELU6 ? 0f : a.minVal();
        this.hi = a == null ? 0f : a.fn() == Activation.RELU6 ? 6f : a.maxVal();
        this.flops = 2L * g.n() * g.cOut() * g.oh() * g.ow() * g.cIn();
    }

    private int pairStride() {
        return g.cIn() * 2 * LANES;
    }

    /** Pair {@code pair} of w (cOut, cIn) to [cIn][block of the pair][lane], as wide as the pair's blocks; lanes past cOut zero. */
    private void pack(float[] w, int pair) {
        int cIn = g.cIn(), k0 = 2 * pair * LANES;
        int width = Math.min(2, outBlocks - 2 * pair) * LANES, real = Math.min(width, g.cOut() - k0);
        int dst0 = pair * pairStride();
        for (int l = 0; l < real; l++) {
            int src = (k0 + l) * cIn;
            for (int c = 0; c < cIn; c++) {
                packed[dst0 + c * width + l] = w[src + c];
            }
        }
    }

    @Override
    public Conv2dKernel kernel() {
        return plain.kernel();
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public Epilogue epilogue() {
        return e;
    }

    @Override
    public void run(float[] x, float[] residual, float[] y) {
        plain.run(x, residual, y);
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

    @Override
    public void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, ChannelBlocks yLayout) {
        if (xLayout == null && residualLayout == null && yLayout == null) {
            plain.run(x, residual, y);
            return;
        }
        check(x, xLayout, g.cIn(), g.h(), g.w(), "input");
        if (e.residual()) {
            check(residual, residualLayout, g.cOut(), g.oh(), g.ow(), "residual");
        }
        check(y, yLayout, g.cOut(), g.oh(), g.ow(), "output");
        if (g.n() == 0 || g.cOut() == 0) {
            return;
        }
        Parallel.sized(flops, () -> execute(x, xLayout, e.residual() ? residual : null, residualLayout, y, yLayout));
    }

    /** One clear line for a layout of other lanes, too few columns, or an array too short for it. */
    private void check(float[] a, ChannelBlocks c, int ch, int h, int w, String what) {
        if (c != null && (c.lanes() != LANES || c.left() + (long) w > c.width())) {
            throw new IllegalArgumentException("pointwise conv2d " + g + ": the " + what + " as " + c + " is not a layout of " + LANES
                    + " lanes holding " + w + " columns");
        }
        long need = c == null ? (long) g.n() * ch * h * w : c.size(g.n(), ch, h, w);
        if (a == null || a.length < need) {
            throw new IllegalArgumentException("pointwise conv2d " + g + ": the " + what + " needs " + need + " floats"
                    + (c == null ? " (NCHW)" : " as " + c) + ", got " + (a == null ? "none" : a.length));
        }
    }

    private void execute(float[] x, ChannelBlocks xl, float[] residual, ChannelBlocks rl, float[] y, ChannelBlocks yl) {
        int rows = g.n() * g.oh();
        long inRow = (long) (xl == null ? g.cIn() : (g.cIn() + LANES - 1) / LANES * LANES) * g.w() * g.strideH();
        int perChunk = (int) Math.max(1, Math.min(rows, CHUNK_FLOATS / Math.max(1, inRow)));
        int threads = Parallel.threads();
        if (threads > 1) { // enough tasks to balance: at least 4 per thread where the rows allow
            perChunk = Math.max(1, Math.min(perChunk, (int) ((long) rows * pairs / (4L * threads))));
        }
        int chunk = perChunk, chunks = (rows + chunk - 1) / chunk;
        Parallel.forEach(chunks * pairs, task -> {
            int c = task / pairs, pair = task % pairs;
            float[] strip = yl != null && (residual == null || rl != null) ? null : new float[4 * PIXELS * LANES];
            for (int row = c * chunk, end = Math.min(rows, row + chunk); row < end; row++) {
                runRow(x, xl, residual, rl, y, yl, row / g.oh(), row % g.oh(), pair, strip);
            }
        });
    }

    /** Output row r of image n, the pair's blocks. {@code strip}: [2 blocks][PIXELS][LANES] of outputs, then as much for an NCHW residual. */
    private void runRow(float[] x, ChannelBlocks xl, float[] residual, ChannelBlocks rl, float[] y, ChannelBlocks yl, int n, int r, int pair,
            float[] strip) {
        int ow = g.ow(), oh = g.oh(), block0 = 2 * pair, blocks = Math.min(2, outBlocks - block0), k0 = block0 * LANES;
        int inBlocks = (g.cIn() + LANES - 1) / LANES, ir = r * g.strideH();
        // The input, channel 0 of column 0 of row ir; distances between pixels, channel groups.
        int x0, ps, groupLen, groupStep;
        if (xl != null) {
            groupStep = g.h() * xl.width() * LANES;
            x0 = ((n * inBlocks * g.h() + ir) * xl.width() + xl.left()) * LANES;
            ps = g.strideW() * LANES;
            groupLen = LANES;
        } else {
            groupStep = g.h() * g.w();
            x0 = (n * g.cIn() * g.h() + ir) * g.w();
            ps = g.strideW();
            groupLen = 1;
        }
        // The output and residual rows of both blocks: blocked rows, or the strip buffer.
        int yRow0 = 0, yRow1 = 0, rRow0 = 0, rRow1 = 0;
        if (yl != null) {
            yRow0 = ((n * outBlocks + block0) * oh + r) * yl.width() * LANES;
            yRow1 = yRow0 + oh * yl.width() * LANES;
            for (int b = 0; b < blocks; b++) {
                int row = b == 0 ? yRow0 : yRow1;
                Arrays.fill(y, row, row + yl.left() * LANES, 0f);
                Arrays.fill(y, row + (yl.left() + ow) * LANES, row + yl.width() * LANES, 0f);
            }
            yRow0 += yl.left() * LANES;
            yRow1 += yl.left() * LANES;
        }
        if (residual != null && rl != null) {
            rRow0 = (((n * outBlocks + block0) * oh + r) * rl.width() + rl.left()) * LANES;
            rRow1 = rRow0 + oh * rl.width() * LANES;
        }
        // Strips of PIXELS, the last one ending at ow (overlapping the one before); a row narrower than a strip pixel by pixel.
        int count = ow >= PIXELS ? PIXELS : 1;
        for (int col = 0; col < ow; col += count) {
            int c0 = Math.min(col, ow - count);
            float[] out = yl != null ? y : strip;
            int o0 = yl != null ? yRow0 + c0 * LANES : 0, o1 = yl != null ? yRow1 + c0 * LANES : PIXELS * LANES;
            float[] res = residual;
            int q0 = rRow0 + c0 * LANES, q1 = rRow1 + c0 * LANES;
            if (residual != null && rl == null) {
                gatherResidual(residual, n, r, c0, count, k0, blocks, strip);
                res = strip;
                q0 = 2 * PIXELS * LANES;
                q1 = 3 * PIXELS * LANES;
            }
            float[] fused = inRegisters ? res : null;
            int xs = x0 + c0 * ps, wq = pair * pairStride();
            if (count == PIXELS && blocks == 2) {
                PointwiseStrips.two(x, xs, ps, groupLen, groupStep, g.cIn(), packed, wq, packedBias, k0, out, o0, o1, fused, q0, q1, act, lo, hi);
            } else if (count == PIXELS) {
                PointwiseStrips.one(x, xs, ps, groupLen, groupStep, g.cIn(), packed, wq, packedBias, k0, out, o0, fused, q0, act, lo, hi);
            } else {
                PointwiseStrips.pixel(x, xs, groupLen, groupStep, g.cIn(), packed, wq, blocks, packedBias, k0, out, o0, o1, fused, q0, q1, act, lo,
                        hi);
            }
            if (!inRegisters) {
                for (int b = 0; b < blocks; b++) {
                    VectorEpilogue.applyBlocked(e, out, b == 0 ? o0 : o1, count, k0 + b * LANES, Math.min(LANES, g.cOut() - k0 - b * LANES),
                            res, b == 0 ? q0 : q1);
                }
            }
            if (yl == null) {
                scatterOutput(strip, y, n, r, c0, count, k0, blocks);
            }
        }
    }

    /** Residual pixels [c0, c0 + count) of row r, channels of the pair, from NCHW into the strip buffer's second half. */
    private void gatherResidual(float[] residual, int n, int r, int c0, int count, int k0, int blocks, float[] strip) {
        int plane = g.oh() * g.ow();
        for (int b = 0; b < blocks; b++) {
            int lanes = Math.min(LANES, g.cOut() - k0 - b * LANES), dst0 = (2 + b) * PIXELS * LANES;
            for (int l = 0; l < lanes; l++) {
                int src = (n * g.cOut() + k0 + b * LANES + l) * plane + r * g.ow() + c0;
                for (int p = 0; p < count; p++) {
                    strip[dst0 + p * LANES + l] = residual[src + p];
                }
            }
        }
    }

    /** The strip buffer's outputs (pixels [c0, c0 + count) of row r, the pair's real channels) into NCHW y. */
    private void scatterOutput(float[] strip, float[] y, int n, int r, int c0, int count, int k0, int blocks) {
        int plane = g.oh() * g.ow();
        for (int b = 0; b < blocks; b++) {
            int lanes = Math.min(LANES, g.cOut() - k0 - b * LANES), src0 = b * PIXELS * LANES;
            for (int l = 0; l < lanes; l++) {
                int dst = (n * g.cOut() + k0 + b * LANES + l) * plane + r * g.ow() + c0;
                for (int p = 0; p < count; p++) {
                    y[dst + p] = strip[src0 + p * LANES + l];
                }
            }
        }
    }
}
