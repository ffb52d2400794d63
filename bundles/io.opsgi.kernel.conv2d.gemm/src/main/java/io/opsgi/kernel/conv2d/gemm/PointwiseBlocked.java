package io.opsgi.kernel.conv2d.gemm;

import static io.opsgi.kernel.conv2d.gemm.PointwiseStrips.LANES;

import io.opsgi.kernel.gemm.Sgemm;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.Transpose16;
import io.opsgi.kernel.support.VectorEpilogue;
import io.opsgi.kernel.support.VectorRegisters;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A prepared 1x1 conv (groups 1, no padding, any stride) that also reads and writes {@link ChannelBlocks} of
 * {@link PointwiseStrips#LANES} lanes, so that MobileNet's pointwise convs, SqueezeNet's squeeze/expand and ResNet's
 * downsamples exchange blocks with the depthwise and blocked 3x3 convs around them (ONNX Runtime's NCHWc pointwise
 * kernel). Its NCHW run ({@link #run(float[], float[], float[])}) is the GEMM's, unchanged.
 *
 * <p>A blocked run is the NCHWc scheme: a strip of {@link PointwiseStrips#pixels} output pixels of a row times two
 * output-channel blocks in vector accumulators, each input value broadcast against weight vectors packed once here to
 * [pair of blocks][cIn][2·LANES] (zero lanes past cOut). The sums are taken in the GEMM's K blocks and stored as it
 * stores them (bias added to the first block's sum), so every layout combination gives the NCHW run's bits and a plan
 * keeping blocks gives the bits of one that does not. The input is read in place in either
 * layout (no packing, only the real channels broadcast); a row's last strip starts at {@code ow - pixels}, overlapping
 * the one before, instead of a narrower kernel. A strip's sums go to a small buffer and from there, the bias (or the
 * previous K block) and the residual added and relu/clamp applied on the way, into the output's place (a blocked
 * output as it is); with one K block on a blocked stride-1 input the strip does that in registers
 * ({@link PointwiseStrips#twoBlockedFinal}); other epilogues run on the stored strip while it is in L1
 * ({@link VectorEpilogue#applyBlocked}).
 * An NCHW output (or residual) of a pair goes through a per-thread [block][pixel][lane] buffer of a chunk of rows,
 * transposed 16x16 in registers ({@link Transpose16}) after (before) the strips.
 *
 * <p>A blocked input with an NCHW output (and residual) on a large plane runs the GEMM on the input converted to NCHW
 * ({@link #gemmForNchwOutput}): the same bits, and there the GEMM's 12 x 32 tiles beat the strips plus their output
 * transposes (measured in {@code PointwiseBlockedAB}, column D against A: 512->1000 at 13x13 1.35 against 1.17 ms,
 * 16->96 at 112x112 0.79 against 0.51 ms; the strips win on 7x7 planes and on contractions).
 *
 * <p>Threads ({@link Parallel}): tasks over (chunk of output rows of one image, group of block pairs), chunks small
 * enough that their input stays in L2 while each pair's weights pass over it, pairs split into groups only when there
 * are too few chunks for the threads; below {@link Parallel#INLINE_FLOPS} on the calling thread.
 */
final class PointwiseBlocked implements PreparedBlockedConv2d {
    /** Input floats per task's chunk of rows: a pair's sweep over the chunk rereads it from L2, not memory. */
    private static final int CHUNK_FLOATS = 32 * 1024;
    /** Pixels per chunk when a pair's outputs (or residual) go through a buffer to or from NCHW: 32 KB per buffer. */
    private static final int BUFFER_PIXELS = 256;
    /** Each thread's buffers: a pair's outputs bound for NCHW and its NCHW residual, as [block][pixel][lane]; a strip's sums. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][]);

    private final PreparedConv2d plain;
    private final ConvGeometry g;
    private final Epilogue e;
    private final int outBlocks, pairs;
    private final float[] packed;
    /** The bias padded to whole blocks, or null (none: the sums stored as they are, as the GEMM stores them). */
    private final float[] bias;
    /** Input channels per K block: the GEMM's ({@link Sgemm#kBlock}). */
    private final int kBlock;
    /** The epilogue part done by {@link PointwiseStrips#store}, and whether it is all of it (else {@link VectorEpilogue#applyBlocked}). */
    private final boolean fusedInStore;
    /** The relu, relu6 or hardtanh fused into the stores as a clamp ({@link PointwiseStrips#bounds}), or null for none. */
    private final float[] bounds;
    private final long flops;
    /** The strip kernels of this machine's width for the row ({@link VectorRegisters#stripPixels}), or of a width a test chose. */
    private final PointwiseStrips strips;
    /** Inputs converted to NCHW for the GEMM, reused across calls (one per concurrent call). */
    private final ConcurrentLinkedQueue<float[]> nchwInputs = new ConcurrentLinkedQueue<>();

    /** Whether a prepared conv of {@code g} reads and writes blocks: 1x1, groups 1, every output reading an input pixel. */
    static boolean serves(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.groups() == 1 && g.padTop() == 0 && g.padLeft() == 0 && g.oh() >= 1 && g.ow() >= 1
                && (g.oh() - 1L) * g.strideH() < g.h() && (g.ow() - 1L) * g.strideW() < g.w()
                && (long) g.cIn() * 2 * LANES * ((g.cOut() + 2L * LANES - 1) / (2 * LANES)) < Integer.MAX_VALUE - 64;
    }

    /** {@code pixels}: the strip width, or 0 for this machine's choice. */
    PointwiseBlocked(PreparedConv2d plain, ConvGeometry g, float[] w, float[] bias, Epilogue e, int pixels) {
        this.plain = plain;
        this.strips = PointwiseWidths.of(pixels == 0 ? VectorRegisters.stripPixels(g.ow(), VectorRegisters.COUNT) : pixels);
        this.g = g;
        this.e = e;
        this.outBlocks = (g.cOut() + LANES - 1) / LANES;
        this.pairs = (outBlocks + 1) / 2;
        this.packed = new float[pairs * pairStride()];
        this.bias = bias == null ? null : Arrays.copyOf(bias, pairs * 2 * LANES);
        this.kBlock = Sgemm.kBlock(g.cIn());
        Parallel.forEach(pairs, pair -> pack(w, pair));
        ActivationAttrs a = e.activation();
        boolean simpleAct = a == null || a.fn() == Activation.RELU || a.fn() == Activation.RELU6 || a.fn() == Activation.HARDTANH;
        this.fusedInStore = e.scale() == null && e.shift() == null && simpleAct;
        this.bounds = !fusedInStore || a == null ? null
                : a.fn() == Activation.RELU ? PointwiseStrips.bounds(0f, Float.POSITIVE_INFINITY)
                : a.fn() == Activation.RELU6 ? PointwiseStrips.bounds(0f, 6f) : PointwiseStrips.bounds(a.minVal(), a.maxVal());
        this.flops = 2L * g.n() * g.cOut() * g.oh() * g.ow() * g.cIn();
    }

    /**
     * Where the GEMM on the input converted to NCHW beats the strips writing NCHW: expansions at stride 1 (the input to
     * convert smaller than the output to transpose) on planes of at least 128 pixels (four GEMM column panels, little
     * padding waste). Measured on MobileNetV2's, SqueezeNet's and ResNet-18's 1x1 shapes ({@code PointwiseBlockedAB}):
     * there 0.55-0.88 of the strips' time; on contractions and stride 2 the conversion cost more than it saved. Also on
     * smaller planes whose rows take 4-pixel strips (8 accumulators, too few to hide the FMA latency; 7-wide rows on 16
     * registers): MobileNetV2's last 320->1280 at 7x7 ran in 0.75-0.8 of the strips' time as a GEMM (AVX2, 2026-12-08).
     */
    static boolean gemmForNchwOutput(ConvGeometry g) {
        boolean weakStrips = VectorRegisters.stripPixels(g.ow(), VectorRegisters.COUNT) == 4;
        return g.cOut() > g.cIn() && g.strideH() == 1 && g.strideW() == 1 && ((long) g.oh() * g.ow() >= 128 || weakStrips);
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
        runAt(x, xLayout, residual, residualLayout, y, 0, yLayout);
    }

    /** Writes in place: the output rows start at {@code yOffset}. */
    @Override
    public void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, int yOffset, ChannelBlocks yLayout) {
        if (yLayout == null) {
            throw new IllegalArgumentException("pointwise conv2d " + g + ": a placed output needs a blocked layout");
        }
        runAt(x, xLayout, residual, residualLayout, y, yOffset, yLayout);
    }

    /** A blocked run, the output (blocked, or NCHW at offset 0) from float {@code yOffset} of y. */
    private void runAt(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, int yOffset, ChannelBlocks yLayout) {
        check(x, xLayout, g.cIn(), g.h(), g.w(), "input", 0);
        if (e.residual()) {
            check(residual, residualLayout, g.cOut(), g.oh(), g.ow(), "residual", 0);
        }
        check(y, yLayout, g.cOut(), g.oh(), g.ow(), "output", yOffset);
        if (g.n() == 0 || g.cOut() == 0) {
            return;
        }
        if (xLayout != null && yLayout == null && residualLayout == null && gemmForNchwOutput(g)) {
            gemmOnNchw(x, xLayout, residual, y);
            return;
        }
        Parallel.sized(flops, () -> execute(x, xLayout, e.residual() ? residual : null, residualLayout, y, yOffset, yLayout));
    }

    /** The NCHW run on the blocked input converted to NCHW: the GEMM's bits, as every layout gives. */
    private void gemmOnNchw(float[] x, ChannelBlocks xl, float[] residual, float[] y) {
        int c = g.cIn(), h = g.h(), w = g.w(), inBlocks = (c + LANES - 1) / LANES;
        int size = g.n() * c * h * w;
        float[] xn = nchwInputs.poll();
        if (xn == null || xn.length < size) {
            xn = new float[size];
        }
        float[] nchw = xn;
        try {
            Parallel.forEach(g.n() * inBlocks, plane -> {
                int n = plane / inBlocks, k0 = plane % inBlocks * LANES, lanes = Math.min(LANES, c - k0);
                for (int r = 0; r < h; r++) {
                    Transpose16.fromPixelRows(x, ((plane * h + r) * xl.width() + xl.left()) * LANES, LANES, w, lanes, nchw,
                            (n * c + k0) * h * w + r * w, h * w);
                }
            });
            plain.run(nchw, residual, y);
        } finally {
            nchwInputs.offer(xn);
        }
    }

    /** One clear line for a layout of other lanes, too few columns, or an array too short for it from {@code offset}. */
    private void check(float[] a, ChannelBlocks c, int ch, int h, int w, String what, int offset) {
        if (c != null && (c.lanes() != LANES || c.left() + (long) w > c.width())) {
            throw new IllegalArgumentException("pointwise conv2d " + g + ": the " + what + " as " + c + " is not a layout of " + LANES
                    + " lanes holding " + w + " columns");
        }
        long need = (c == null ? (long) g.n() * ch * h * w : c.size(g.n(), ch, h, w)) + offset;
        if (a == null || a.length < need || offset < 0) {
            throw new IllegalArgumentException("pointwise conv2d " + g + ": the " + what + " needs " + need + " floats"
                    + (c == null ? " (NCHW)" : " as " + c) + (offset == 0 ? "" : " from " + offset) + ", got " + (a == null ? "none" : a.length));
        }
    }

    private void execute(float[] x, ChannelBlocks xl, float[] residual, ChannelBlocks rl, float[] y, int yOffset, ChannelBlocks yl) {
        int oh = g.oh(), ow = g.ow(), inBlocks = (g.cIn() + LANES - 1) / LANES;
        boolean nchwOut = yl == null, nchwResidual = residual != null && rl == null;
        // Rows per chunk: its input within CHUNK_FLOATS; NCHW outputs or residuals of a pair within BUFFER_PIXELS.
        long inRow = (long) inBlocks * LANES * g.w() * g.strideH();
        int perChunk = (int) Math.max(1, Math.min(oh, CHUNK_FLOATS / inRow));
        if (nchwOut || nchwResidual) {
            perChunk = Math.max(1, Math.min(perChunk, BUFFER_PIXELS / ow));
        }
        int rowsPerChunk = perChunk, chunksPerImage = (oh + perChunk - 1) / perChunk, chunks = g.n() * chunksPerImage;
        int threads = Parallel.threads();
        // Pairs split into groups only to give every thread work.
        int groups = threads <= 1 || chunks >= 4 * threads ? 1 : Math.min(pairs, (4 * threads + chunks - 1) / chunks);
        int perGroup = (pairs + groups - 1) / groups, groupCount = (pairs + perGroup - 1) / perGroup;
        Parallel.forEach(chunks * groupCount, task -> {
            int chunk = task / groupCount, group = task % groupCount;
            int n = chunk / chunksPerImage, r0 = chunk % chunksPerImage * rowsPerChunk, r1 = Math.min(oh, r0 + rowsPerChunk);
            float[][] s = SCRATCH.get();
            // The input: blocked, or NCHW read in place too (each value broadcast where it is; converting the chunk to
            // blocks first measured slower, as the strips reread it only once per pair).
            int xRow0, xRowStep, groupLen, groupStep;
            if (xl != null) {
                xRow0 = ((n * inBlocks * g.h() + r0 * g.strideH()) * xl.width() + xl.left()) * LANES;
                xRowStep = g.strideH() * xl.width() * LANES;
                groupLen = LANES;
                groupStep = g.h() * xl.width() * LANES;
            } else {
                xRow0 = (n * g.cIn() * g.h() + r0 * g.strideH()) * g.w();
                xRowStep = g.strideH() * g.w();
                groupLen = 1;
                groupStep = g.h() * g.w();
            }
            int pixels = (r1 - r0) * ow;
            float[] out = nchwOut ? (s[0] = grow(s[0], 2 * LANES * pixels)) : y;
            float[] res = nchwResidual ? (s[1] = grow(s[1], 2 * LANES * pixels)) : residual;
            float[] acc = s[2] = grow(s[2], 2 * PointwiseStrips.WIDEST * LANES);
            for (int pair = group * perGroup, end = Math.min(pairs, pair + perGroup); pair < end; pair++) {
                int block0 = 2 * pair, blocks = Math.min(2, outBlocks - block0), k0 = block0 * LANES;
                if (nchwResidual) {
                    transposeIn(residual, n, r0, r1, k0, blocks, res);
                }
                for (int r = r0; r < r1; r++) {
                    int oRow0, oRow1, rRow0 = 0, rRow1 = 0;
                    if (nchwOut) {
                        oRow0 = (r - r0) * ow * LANES;
                        oRow1 = oRow0 + pixels * LANES;
                    } else {
                        oRow0 = yOffset + ((n * outBlocks + block0) * oh + r) * yl.width() * LANES;
                        oRow1 = oRow0 + oh * yl.width() * LANES;
                        for (int b = 0; b < blocks; b++) {
                            int row = b == 0 ? oRow0 : oRow1;
                            Arrays.fill(y, row, row + yl.left() * LANES, 0f);
                            Arrays.fill(y, row + (yl.left() + ow) * LANES, row + yl.width() * LANES, 0f);
                        }
                        oRow0 += yl.left() * LANES;
                        oRow1 += yl.left() * LANES;
                    }
                    if (nchwResidual) {
                        rRow0 = (r - r0) * ow * LANES;
                        rRow1 = rRow0 + pixels * LANES;
                    } else if (residual != null) {
                        rRow0 = (((n * outBlocks + block0) * oh + r) * rl.width() + rl.left()) * LANES;
                        rRow1 = rRow0 + oh * rl.width() * LANES;
                    }
                    runRow(x, xRow0 + (r - r0) * xRowStep, groupLen, groupStep, xl != null, acc, out, oRow0, oRow1, res, rRow0, rRow1, pair, blocks, k0);
                }
                if (nchwOut) {
                    transposeOut(out, y, n, r0, r1, k0, blocks);
                }
            }
        });
    }

    /** One output row of the pair's blocks: x at {@code x0} (channel 0 of column 0), outputs and residual at column 0 of each block. */
    private void runRow(float[] x, int x0, int groupLen, int groupStep, boolean blockedX, float[] acc, float[] out, int oRow0, int oRow1,
            float[] res, int rRow0, int rRow1, int pair, int blocks, int k0) {
        int ow = g.ow(), ps = g.strideW() * (blockedX ? LANES : 1), wq = pair * pairStride();
        float[] fused = fusedInStore ? res : null;
        // Strips of `pixels`, the last one ending at ow (overlapping the one before); a row narrower than a strip pixel by pixel.
        int pixels = strips.pixels, count = ow >= pixels ? pixels : 1;
        boolean constantStep = blockedX && g.strideW() == 1;
        // One K block on a blocked stride-1 input: the strips finish their sums in registers (twoBlockedFinal), as store() would.
        boolean finishInStrip = count == pixels && blocks == 2 && constantStep && g.cIn() <= kBlock;
        float[] biasOrNone = bias == null ? PointwiseStrips.NEG_ZEROS : bias, r = fused == null ? PointwiseStrips.NEG_ZEROS : fused;
        int bAt = bias == null ? 0 : k0;
        for (int col = 0; col < ow; col += count) {
            int c0 = Math.min(col, ow - count);
            int xs = x0 + c0 * ps, o0 = oRow0 + c0 * LANES, o1 = oRow1 + c0 * LANES, q0 = rRow0 + c0 * LANES, q1 = rRow1 + c0 * LANES;
            if (finishInStrip) {
                strips.twoBlockedFinal(x, xs, groupStep, g.cIn(), packed, wq, biasOrNone, bAt, r, fused == null ? 0 : q0, fused == null ? 0 : q1,
                        bounds == null ? PointwiseStrips.UNBOUNDED : bounds, out, o0, o1);
            }
            // K blocks as the GEMM takes them, so that the sums are its bits: each block's sums into the buffer, then stored
            // as the GEMM stores them (the first with the bias, later ones added), the epilogue's residual and relu/clamp with the last.
            for (int c = 0; c < (finishInStrip ? 0 : g.cIn()); c += kBlock) {
                int cEnd = Math.min(g.cIn(), c + kBlock), wc = wq + c * blocks * LANES;
                boolean first = c == 0, last = cEnd == g.cIn();
                if (count == pixels && blocks == 2 && constantStep) {
                    strips.twoBlocked(x, xs, groupStep, c, cEnd, packed, wc, acc, 0, pixels * LANES);
                } else if (count == pixels && blocks == 2) {
                    strips.two(x, xs, ps, groupLen, groupStep, c, cEnd, packed, wc, acc, 0, pixels * LANES);
                } else if (count == pixels) {
                    strips.one(x, xs, ps, groupLen, groupStep, c, cEnd, packed, wc, acc, 0);
                } else {
                    PointwiseStrips.pixel(x, xs, groupLen, groupStep, c, cEnd, packed, wc, blocks, acc, 0, pixels * LANES);
                }
                for (int bl = 0; bl < blocks; bl++) {
                    PointwiseStrips.store(acc, bl * pixels * LANES, count, first ? bias : null, k0 + bl * LANES, !first,
                            last ? bounds : null, last ? fused : null, bl == 0 ? q0 : q1, out, bl == 0 ? o0 : o1);
                }
            }
            if (!fusedInStore) {
                for (int b = 0; b < blocks; b++) {
                    VectorEpilogue.applyBlocked(e, out, b == 0 ? o0 : o1, count, k0 + b * LANES, Math.min(LANES, g.cOut() - k0 - b * LANES),
                            res, b == 0 ? q0 : q1);
                }
            }
        }
    }

    /** The residual of rows [r0, r1) of image n, channels [k0, k0 + blocks·LANES), NCHW, to [block][pixel][lane]. */
    private void transposeIn(float[] residual, int n, int r0, int r1, int k0, int blocks, float[] out) {
        int plane = g.oh() * g.ow(), pixels = (r1 - r0) * g.ow();
        for (int b = 0; b < blocks; b++) {
            int lanes = Math.min(LANES, g.cOut() - k0 - b * LANES);
            Transpose16.toPixelRows(residual, (n * g.cOut() + k0 + b * LANES) * plane + r0 * g.ow(), plane, pixels, lanes, out, b * pixels * LANES, LANES);
        }
    }

    /** [block][pixel][lane] outputs of rows [r0, r1) of image n, channels [k0, k0 + blocks·LANES), into NCHW y (real channels only). */
    private void transposeOut(float[] buffer, float[] y, int n, int r0, int r1, int k0, int blocks) {
        int plane = g.oh() * g.ow(), pixels = (r1 - r0) * g.ow();
        for (int b = 0; b < blocks; b++) {
            int lanes = Math.min(LANES, g.cOut() - k0 - b * LANES);
            Transpose16.fromPixelRows(buffer, b * pixels * LANES, LANES, pixels, lanes, y, (n * g.cOut() + k0 + b * LANES) * plane + r0 * g.ow(), plane);
        }
    }

    private static float[] grow(float[] a, int size) {
        return a != null && a.length >= size ? a : new float[size];
    }
}
