package io.opsgi.kernel.conv2d.blocked;

import io.opsgi.kernel.support.ConvTaps;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.Transpose16;
import io.opsgi.kernel.support.PreparedConv;
import io.opsgi.kernel.support.VectorEpilogue;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * conv2d (groups = 1) as a blocked direct convolution, the scheme of ONNX Runtime's NCHWc kernels
 * and oneDNN on CPUs: output channels in blocks of one vector ({@link Strips#LANES}, 16 floats with
 * AVX-512), a strip of output pixels times two channel blocks held in vector accumulators, and every
 * input value broadcast against weight vectors. No im2col, no GEMM.
 *
 * <p>Per call: the weights are repacked per pair of blocks to [tap][cIn][block][lane] (zero lanes
 * past cOut), the input is copied channels-last with zero columns around each row
 * ({@link BlockedLayout}), then tasks over (image, block pair, tile of output rows) run the strips,
 * and each finished row is transposed from [block][pixel][lane] into the NCHW output. Weights are
 * repacked on every call rather than cached on the array's identity, which a caller may legally
 * refill between calls. Prepared ({@link #prepare}), they are packed once, and the epilogue is
 * applied to runs of about 256 output floats per channel as they are unblocked, while they are in L1; a call below
 * {@link Parallel#INLINE_FLOPS} runs on the calling thread alone.
 *
 * <p>Summation order: per output, bias first, then tap by tap, and within a tap input channel by
 * channel, one FMA (a single rounding) per term. Results differ from the reference kernel within
 * the conv2d tolerance.
 */
@Component(service = {Kernel.class, Conv2dKernel.class})
@KernelInfo(op = "conv2d", variant = "blocked")
@ServiceRanking(200)
public final class BlockedConv2d implements Conv2dKernel {
    private static final int LANES = Strips.LANES;
    /** Output floats per channel that the epilogue takes at once: 16 vectors, rows still in L1 (32 channels x 1 KB). */
    private static final int EPILOGUE_RUN = 256;

    /** Scratch kept between calls; a concurrent call finding it taken allocates its own. */
    private final AtomicReference<Scratch> spare = new AtomicReference<>();
    /** Pixels per strip, or 0 for this machine's choice per layer ({@code VectorRegisters.stripPixels}). */
    private final int stripPixels;

    public BlockedConv2d() {
        this(0);
    }

    /** With strips of {@code stripPixels} pixels in every layer (one of {@link StripWidths}): tests run every width on any machine. */
    BlockedConv2d(int stripPixels) {
        this.stripPixels = stripPixels;
    }

    private BlockedLayout layout(ConvGeometry g) {
        return stripPixels == 0 ? new BlockedLayout(g, LANES) : new BlockedLayout(g, LANES, stripPixels);
    }

    @Override
    public boolean supports(ConvGeometry g) {
        // A 1x1 convolution is a plain matrix product: the gemm kernel computes it without repacking (measured 1.4-2x
        // faster), so it is declined here although computes() handles it.
        boolean pointwise = g.kh() == 1 && g.kw() == 1;
        return computes(g) && !pointwise;
    }

    /** What this kernel can compute at all. */
    static boolean computes(ConvGeometry g) {
        return g.groups() == 1 && new BlockedLayout(g, LANES).fitsInArrays();
    }

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        check(g);
        if (g.n() == 0 || g.cOut() == 0 || g.oh() == 0 || g.ow() == 0) {
            return;
        }
        BlockedLayout lay = layout(g);
        Scratch s = take();
        try {
            float[] packed = s.weights = grow(s.weights, lay.pairs * lay.pairStride());
            float[] packedBias = s.bias = grow(s.bias, lay.blocks * LANES);
            packBias(g, bias, packedBias);
            execute(lay, x, w, packed, packedBias, false, Epilogue.NONE, null, y, s, null);
        } finally {
            spare.set(s);
        }
    }

    /** Packs the weights and bias once; each run only converts the input and runs the strips, the epilogue fused into the unblocking. */
    @Override
    public PreparedConv2d prepare(ConvGeometry g, float[] w, float[] bias, Epilogue epilogue) {
        check(g);
        BlockedLayout lay = layout(g);
        float[][] packing = new float[2][];
        PreparedConv2d plain = PreparedConv.of(this, g, epilogue, () -> {
            float[] packed = packing[0] = new float[lay.pairs * lay.pairStride()], packedBias = packing[1] = new float[lay.blocks * LANES];
            Parallel.forEach(lay.pairs, pair -> packPair(lay, w, packed, pair));
            packBias(g, bias, packedBias);
            return (x, residual, y) -> run(lay, x, packed, packedBias, epilogue, residual, y, null);
        });
        return new Prepared(plain, lay, packing[0], packing[1]);
    }

    /** One prepared run: NCHW throughout ({@code io == null}) or with some of x, residual, y kept blocked. */
    private void run(BlockedLayout lay, float[] x, float[] packed, float[] packedBias, Epilogue e, float[] residual, float[] y, Io io) {
        Scratch s = take();
        try {
            execute(lay, x, null, packed, packedBias, true, e, residual, y, s, io);
        } finally {
            spare.set(s);
        }
    }

    /** The layouts of one run's x, residual and y: null is NCHW. */
    private record Io(ChannelBlocks x, ChannelBlocks residual, ChannelBlocks y, int yOffset) {
    }

    /**
     * A prepared blocked conv that also reads and writes {@link ChannelBlocks} of {@link #LANES} lanes: a blocked input is
     * read in place by {@link Strips#twoBlocksBlocked} (stride 1) or {@link Strips#twoBlocksBlockedS2} (stride 2), no
     * conversion; a blocked output is each finished row's [block][pixel][lane] strip outputs copied as they are.
     */
    private final class Prepared implements PreparedBlockedConv2d {
        private final PreparedConv2d plain;
        private final BlockedLayout lay;
        private final float[] packed, packedBias;
        private final long flops;

        Prepared(PreparedConv2d plain, BlockedLayout lay, float[] packed, float[] packedBias) {
            this.plain = plain;
            this.lay = lay;
            this.packed = packed;
            this.packedBias = packedBias;
            ConvGeometry g = lay.g;
            this.flops = 2L * g.n() * g.cOut() * g.oh() * g.ow() * g.cIn() * g.kh() * g.kw();
        }

        @Override
        public Conv2dKernel kernel() {
            return BlockedConv2d.this;
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
            return lay.readsBlocked();
        }

        @Override
        public boolean writesBlocked() {
            return true;
        }

        @Override
        public int inputLeft() {
            return lay.g.padLeft();
        }

        @Override
        public int inputRight() {
            return lay.blockedInputRight();
        }

        @Override
        public void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, ChannelBlocks yLayout) {
            if (xLayout == null && residualLayout == null && yLayout == null) {
                plain.run(x, residual, y);
                return;
            }
            run(x, xLayout, residual, residualLayout, y, 0, yLayout);
        }

        /** Writes in place: the output rows start at {@code yOffset} (0 and no layout: NCHW). */
        @Override
        public void run(float[] x, ChannelBlocks xLayout, float[] residual, ChannelBlocks residualLayout, float[] y, int yOffset, ChannelBlocks yLayout) {
            ConvGeometry g = lay.g;
            if (yOffset != 0 && (yLayout == null || yOffset < 0 || y == null || yOffset + yLayout.size(g.n(), g.cOut(), g.oh(), g.ow()) > y.length)) {
                throw new IllegalArgumentException("blocked conv2d " + g + ": a placed output needs a blocked layout and its floats at " + yOffset
                        + ", got " + (yLayout == null ? "no layout" : y == null ? "no array" : y.length + " floats"));
            }
            check(xLayout, g.n(), g.cIn(), g.h(), g.w(), "input");
            check(residualLayout, g.n(), g.cOut(), g.oh(), g.ow(), "residual");
            check(yLayout, g.n(), g.cOut(), g.oh(), g.ow(), "output");
            if (xLayout != null && (!readsBlocked() || xLayout.left() < inputLeft() || xLayout.width() - xLayout.left() - g.w() < inputRight())) {
                throw new IllegalArgumentException("blocked conv2d " + g + " cannot read the input as " + xLayout.describe(g.w())
                        + ": it needs stride 1 or 2, dilation 1, " + inputLeft() + " zero columns left and " + inputRight() + " right");
            }
            if (g.n() == 0 || g.cOut() == 0 || g.oh() == 0 || g.ow() == 0) {
                return;
            }
            Io io = new Io(xLayout, residualLayout, yLayout, yOffset);
            Parallel.sized(flops, () -> BlockedConv2d.this.run(lay, x, packed, packedBias, plain.epilogue(), residual, y, io));
        }

        private void check(ChannelBlocks c, int n, int ch, int h, int w, String what) {
            if (c != null && (c.lanes() != LANES || c.left() + (long) w > c.width())) {
                throw new IllegalArgumentException("blocked conv2d: the " + what + " as " + c + " is not a layout of " + LANES + " lanes holding " + w + " columns");
            }
        }
    }

    private static void check(ConvGeometry g) {
        if (!computes(g)) {
            throw new IllegalArgumentException("blocked conv2d does not compute " + g + ": groups must be 1 and its buffers must fit in arrays");
        }
    }

    private Scratch take() {
        Scratch s = spare.getAndSet(null);
        return s == null ? new Scratch() : s;
    }

    private static void packBias(ConvGeometry g, float[] bias, float[] packedBias) {
        Arrays.fill(packedBias, 0f);
        if (bias != null) {
            System.arraycopy(bias, 0, packedBias, 0, g.cOut());
        }
    }

    /** One call: packs w into {@code packed} unless {@code packedAlready}, converts the input, runs the strips. */
    private static void execute(BlockedLayout lay, float[] x, float[] w, float[] packed, float[] packedBias, boolean packedAlready, Epilogue e,
            float[] residual, float[] y, Scratch s, Io io) {
        ConvGeometry g = lay.g;
        int threads = Parallel.threads();
        int tasks = lay.tasksFor(threads);
        boolean packInTasks = !packedAlready && lay.pairs >= 4 * threads;
        if (!packedAlready && !packInTasks) {
            Parallel.forEach(lay.pairs, pair -> packPair(lay, w, packed, pair));
        }
        float[] in;
        if (io != null && io.x() != null) {
            in = x; // read in place
        } else if (lay.blocksFromNchw()) {
            ChannelBlocks blocks = new ChannelBlocks(LANES, g.padLeft(), g.padLeft() + g.w() + lay.blockedInputRight());
            in = s.input = grow(s.input, (int) blocks.size(g.n(), g.cIn(), g.h(), g.w()));
            toBlocks(lay, x, in, blocks);
            io = new Io(blocks, io == null ? null : io.residual(), io == null ? null : io.y(), io == null ? 0 : io.yOffset());
        } else {
            in = s.input = grow(s.input, lay.inputSize());
            if (lay.tapRuns) {
                tapRuns(lay, x, in);
            } else if (lay.channelRows) {
                channelRows(lay, x, in);
            } else {
                channelsLast(lay, x, in);
            }
        }
        float[] rows = s.rows = grow(s.rows, Math.max(tasks, lay.pairs) * lay.rowBufferSize());
        int[] tapOffset = new int[g.kh() * lay.tapsPerRow];
        for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < lay.tapsPerRow; j++) {
                tapOffset[i * lay.tapsPerRow + j] = (i * g.dilationH() * lay.rowWidth + j * g.dilationW()) * g.cIn();
            }
        }
        int rowsPerTask = lay.rowsPerTask(threads);
        int tiles = (g.oh() + rowsPerTask - 1) / rowsPerTask;
        Io runIo = io;
        if (packInTasks) {
            Parallel.forEach(lay.pairs, pair -> {
                packPair(lay, w, packed, pair);
                for (int n = 0; n < g.n(); n++) {
                    runRows(lay, in, packed, packedBias, tapOffset, y, rows, pair * lay.rowBufferSize(), n, pair, 0, g.oh(), e, residual, runIo);
                }
            });
        } else {
            Parallel.forEach(tasks, task -> {
                int tile = task % tiles, pair = (task / tiles) % lay.pairs, n = task / tiles / lay.pairs;
                int from = tile * rowsPerTask, to = Math.min(g.oh(), from + rowsPerTask);
                runRows(lay, in, packed, packedBias, tapOffset, y, rows, task * lay.rowBufferSize(), n, pair, from, to, e, residual, runIo);
            });
        }
    }

    /** Output rows [from, to) of image n for block pair {@code pair}. */
    private static void runRows(BlockedLayout lay, float[] x, float[] w, float[] b, int[] tapOffset, float[] y, float[] rows,
            int rowBase, int n, int pair, int from, int to, Epilogue e, float[] residual, Io io) {
        ConvGeometry g = lay.g;
        int c = g.cIn(), step = g.strideW() * c;
        int block0 = 2 * pair;
        boolean two = block0 + 1 < lay.blocks;
        int wPair = pair * lay.pairStride();
        int second = rowBase + lay.owStrips * LANES;
        int[] tileRows = new int[16];
        int pending = from; // rows unblocked but not yet through the epilogue
        ChannelBlocks xb = io == null ? null : io.x();
        Strips k = lay.kernels;
        // Tap runs (not a blocked input, read in place by other strips) clamp in registers when the epilogue is only relu, relu6
        // or hardtanh: no pass over the strip outputs.
        float[] clamp = lay.tapRuns && xb == null ? clampOf(e) : null;
        float lo = clamp == null ? Float.NEGATIVE_INFINITY : clamp[0], hi = clamp == null ? Float.POSITIVE_INFINITY : clamp[1];
        if (clamp != null) {
            e = Epilogue.NONE;
        }
        // The epilogue on the strip outputs (blocked) when the residual or the output is blocked, or with tap runs (few input channels:
        // the strips are quick and a second pass over the NCHW runs showed); else on NCHW runs after unblocking.
        boolean blockedEpilogue = lay.tapRuns || io != null && (io.residual() != null || io.y() != null);
        boolean residualBlocked = io != null && io.residual() != null;
        float[] gathered = blockedEpilogue && e.residual() && !residualBlocked ? new float[g.ow() * LANES] : null;
        for (int oh = from; oh < to; oh++) {
            int top = oh * g.strideH() - g.padTop();
            // Taps are numbered row-major, so a row's taps inside the input are one range [t0, t1).
            int t0 = ConvTaps.first(top, g.dilationH()) * lay.tapsPerRow;
            int t1 = Math.max(t0, ConvTaps.end(top, g.dilationH(), g.h(), g.kh()) * lay.tapsPerRow);
            int rowStart = (n * g.h() + top) * lay.rowWidth * c;
            if (xb != null) {
                int i0 = ConvTaps.first(top, g.dilationH()), i1 = ConvTaps.end(top, g.dilationH(), g.h(), g.kh());
                int rowStep = g.dilationH() * xb.width() * LANES, blockStep = g.h() * xb.width() * LANES, cBlocks = (c + LANES - 1) / LANES;
                for (int strip = 0; strip < lay.strips; strip++) {
                    int ow0 = strip * lay.pixels;
                    int x0 = (((n * cBlocks) * g.h() + top) * xb.width() + ow0 * g.strideW() - g.padLeft() + xb.left()) * LANES;
                    int o0 = rowBase + ow0 * LANES, o1 = second + ow0 * LANES;
                    if (g.strideW() == 1) {
                        if (two) {
                            k.twoBlocksBlocked(x, x0, rowStep, blockStep, c, g.kw(), i0, i1, w, wPair, b, block0 * LANES, rows, o0, o1);
                        } else {
                            k.oneBlockBlocked(x, x0, rowStep, blockStep, c, g.kw(), i0, i1, w, wPair, b, block0 * LANES, rows, o0);
                        }
                    } else if (two) {
                        k.twoBlocksBlockedS2(x, x0, rowStep, blockStep, c, g.kw(), i0, i1, w, wPair, b, block0 * LANES, rows, o0, o1);
                    } else {
                        k.oneBlockBlockedS2(x, x0, rowStep, blockStep, c, g.kw(), i0, i1, w, wPair, b, block0 * LANES, rows, o0);
                    }
                }
            } else if (lay.tapRuns) {
                int i0 = ConvTaps.first(top, g.dilationH()), i1 = ConvTaps.end(top, g.dilationH(), g.h(), g.kh());
                int chunk = lay.rowTaps() * Strips.RUN, rowStep = g.dilationH() * lay.chunks * chunk;
                for (int strip = 0; strip < lay.strips; strip++) {
                    int x0 = ((n * g.h() + top) * lay.chunks + strip / lay.runStrips) * chunk + strip % lay.runStrips * lay.pixels;
                    int ow0 = strip * lay.pixels;
                    if (two) {
                        k.twoBlocksTaps(x, x0, rowStep, lay.rowTaps(), i0, i1, w, wPair, b, block0 * LANES, lo, hi, rows, rowBase + ow0 * LANES,
                            second + ow0 * LANES);
                    } else {
                        k.oneBlockTaps(x, x0, rowStep, lay.rowTaps(), i0, i1, w, wPair, b, block0 * LANES, lo, hi, rows, rowBase + ow0 * LANES);
                    }
                }
            } else if (lay.channelRows) {
                int i0 = ConvTaps.first(top, g.dilationH()), i1 = ConvTaps.end(top, g.dilationH(), g.h(), g.kh());
                int window = c * Strips.WINDOW, rowStep = g.dilationH() * lay.strips * window;
                for (int strip = 0; strip < lay.strips; strip++) {
                    int x0 = ((n * g.h() + top) * lay.strips + strip) * window, ow0 = strip * lay.pixels;
                    if (two) {
                        k.twoBlocksRows(x, x0, rowStep, c, g.kw(), i0, i1, w, wPair, b, block0 * LANES, rows, rowBase + ow0 * LANES,
                            second + ow0 * LANES);
                    } else {
                        k.oneBlockRows(x, x0, rowStep, c, g.kw(), i0, i1, w, wPair, b, block0 * LANES, rows, rowBase + ow0 * LANES);
                    }
                }
            }
            for (int strip = 0; strip < (lay.channelRows || lay.tapRuns || xb != null ? 0 : lay.strips); strip++) {
                int ow0 = strip * lay.pixels;
                int xBase = rowStart + ow0 * step;
                if (two) {
                    k.twoBlocks(x, xBase, step, lay.tapLength, tapOffset, t0, t1, w, wPair, b, block0 * LANES, rows, rowBase + ow0 * LANES,
                        second + ow0 * LANES);
                } else {
                    k.oneBlock(x, xBase, step, lay.tapLength, tapOffset, t0, t1, w, wPair, b, block0 * LANES, rows, rowBase + ow0 * LANES);
                }
            }
            if (blockedEpilogue) {
                for (int bl = 0; bl < (two ? 2 : 1); bl++) {
                    int k0 = (block0 + bl) * LANES, at = rowBase + bl * lay.owStrips * LANES;
                    float[] r = residual;
                    int rAt = 0;
                    if (e.residual() && residualBlocked) {
                        ChannelBlocks rb = io.residual();
                        rAt = (((n * lay.blocks + block0 + bl) * g.oh() + oh) * rb.width() + rb.left()) * LANES;
                    } else if (e.residual()) {
                        gatherRow(lay, residual, n, k0, oh, gathered);
                        r = gathered;
                    }
                    VectorEpilogue.applyBlocked(e, rows, at, g.ow(), k0, Math.min(LANES, g.cOut() - k0), r, rAt);
                }
            }
            if (io != null && io.y() != null) {
                blockRow(lay, rows, rowBase, y, io.yOffset(), io.y(), n, block0, two ? 2 : 1, oh);
                continue;
            }
            unblockRow(lay, rows, rowBase, y, n, block0, two ? 2 : 1, oh, tileRows);
            if (!blockedEpilogue && !e.isNone() && ((oh + 1 - pending) * g.ow() >= EPILOGUE_RUN || oh + 1 == to)) {
                epilogue(lay, y, n, block0, two ? 2 : 1, pending, oh + 1, e, residual);
                pending = oh + 1;
            }
        }
    }

    /** {lo, hi} when the epilogue is a clamp alone (relu, relu6, hardtanh: no scale, shift or residual), else null. */
    private static float[] clampOf(Epilogue e) {
        ActivationAttrs a = e.activation();
        if (a == null || e.scale() != null || e.shift() != null || e.residual()) {
            return null;
        }
        return switch (a.fn()) {
            case RELU -> new float[] {0f, Float.POSITIVE_INFINITY};
            case RELU6 -> new float[] {0f, 6f};
            case HARDTANH -> new float[] {a.minVal(), a.maxVal()};
            default -> null;
        };
    }

    /**
     * The epilogue on output rows [from, to) of the pair's channels, one contiguous run per channel. Runs of
     * several rows, not one: a row of a deep layer (7 or 14 pixels) is shorter than a vector, and the tail
     * of each run goes through the scalar {@link Epilogue#apply} (measured: 7% of ResNet-18 in it, per row).
     */
    private static void epilogue(BlockedLayout lay, float[] y, int n, int block0, int count, int from, int to, Epilogue e,
            float[] residual) {
        ConvGeometry g = lay.g;
        int ow = g.ow(), plane = g.oh() * ow;
        for (int bl = 0; bl < count; bl++) {
            int k0 = (block0 + bl) * LANES, lanes = Math.min(LANES, g.cOut() - k0);
            for (int l = 0; l < lanes; l++) {
                VectorEpilogue.apply(e, y, (n * g.cOut() + k0 + l) * plane + from * ow, (to - from) * ow, k0 + l, residual);
            }
        }
    }

    /** Residual row oh of channels [k0, k0 + LANES) from NCHW into [pixel][lane] (lanes past cOut left as they are). */
    private static void gatherRow(BlockedLayout lay, float[] residual, int n, int k0, int oh, float[] out) {
        ConvGeometry g = lay.g;
        int ow = g.ow(), plane = g.oh() * ow, lanes = Math.min(LANES, g.cOut() - k0);
        for (int l = 0; l < lanes; l++) {
            int src = (n * g.cOut() + k0 + l) * plane + oh * ow;
            for (int p = 0; p < ow; p++) {
                out[p * LANES + l] = residual[src + p];
            }
        }
    }

    /** Copies one output row from [block][pixel][lane] into the blocked output as it is, and zeroes the row's padding columns. */
    private static void blockRow(BlockedLayout lay, float[] rows, int rowBase, float[] y, int yOffset, ChannelBlocks yb, int n, int block0, int count,
            int oh) {
        ConvGeometry g = lay.g;
        int ow = g.ow(), width = yb.width(), left = yb.left();
        for (int bl = 0; bl < count; bl++) {
            int row = yOffset + ((n * lay.blocks + block0 + bl) * g.oh() + oh) * width * LANES;
            Arrays.fill(y, row, row + left * LANES, 0f);
            System.arraycopy(rows, rowBase + bl * lay.owStrips * LANES, y, row + left * LANES, ow * LANES);
            Arrays.fill(y, row + (left + ow) * LANES, row + width * LANES, 0f);
        }
    }

    /** Copies one output row from [block][pixel][lane] into NCHW, dropping padded lanes and pixels. */
    private static void unblockRow(BlockedLayout lay, float[] rows, int rowBase, float[] y, int n, int block0, int count, int oh,
            int[] tileRows) {
        ConvGeometry g = lay.g;
        int ow = g.ow();
        for (int bl = 0; bl < count; bl++) {
            int k0 = (block0 + bl) * LANES;
            int lanes = Math.min(LANES, g.cOut() - k0);
            int src0 = rowBase + bl * lay.owStrips * LANES;
            int dst0 = ((n * g.cOut() + k0) * g.oh() + oh) * ow, plane = g.oh() * ow;
            int p = 0;
            int t = Transpose16.TILE;
            if (t != 0 && lanes == t) {
                for (; p + t <= ow; p += t) {
                    for (int l = 0; l < t; l++) {
                        tileRows[l] = dst0 + l * plane + p;
                    }
                    Transpose16.machineTile(rows, src0 + p * t, t, y, tileRows);
                }
            }
            for (int l = 0; l < lanes; l++) {
                int dst = dst0 + l * plane;
                int src = src0 + l;
                for (int q = p; q < ow; q++) {
                    y[dst + q] = rows[src + q * LANES];
                }
            }
        }
    }

    /** Pair {@code pair} of w (cOut, cIn, kh, kw) to [tap][cIn][block of the pair][lane]; lanes past cOut are zero. */
    private static void packPair(BlockedLayout lay, float[] w, float[] packed, int pair) {
        ConvGeometry g = lay.g;
        int cIn = g.cIn(), taps = lay.taps, ct = cIn * taps;
        int k0 = 2 * pair * LANES;
        int width = Math.min(2, lay.blocks - 2 * pair) * LANES; // output channels of this pair, padded
        int real = Math.min(width, g.cOut() - k0);
        int dst0 = pair * lay.pairStride();
        // Whole 16x16 tiles (16 output channels x 16 consecutive (cIn, tap) weights) go through registers.
        int tiled = Transpose16.AVAILABLE ? ct / 16 * 16 : 0, tiledLanes = Transpose16.AVAILABLE ? real / 16 * 16 : 0;
        int[] tileRows = new int[16];
        for (int lane = 0; lane < tiledLanes; lane += 16) {
            for (int m0 = 0, c = 0, t = 0; m0 < tiled; m0 += 16) {
                for (int j = 0; j < 16; j++) { // weight m0 + j of the row is (c, t)
                    tileRows[j] = dst0 + (t * cIn + c) * width + lane;
                    if (++t == taps) {
                        t = 0;
                        c++;
                    }
                }
                Transpose16.tile(w, (k0 + lane) * ct + m0, ct, packed, tileRows);
            }
        }
        if (tiled == ct && tiledLanes == width) {
            return;
        }
        for (int t = 0; t < taps; t++) {
            for (int c = 0; c < cIn; c++) {
                int dst = dst0 + (t * cIn + c) * width, src = k0 * ct + c * taps + t;
                for (int l = c * taps + t < tiled ? tiledLanes : 0; l < real; l++) {
                    packed[dst + l] = w[src + l * ct];
                }
                Arrays.fill(packed, dst + real, dst + width, 0f);
            }
        }
    }

    /**
     * x (n, cIn, h, w) to windows (n, h, strip, cIn, WINDOW) ({@link BlockedLayout#channelRows}): window float t
     * of strip s is padded column s·pixels + t, input column s·pixels + t - padLeft, zero outside the input.
     */
    private static void channelRows(BlockedLayout lay, float[] x, float[] out) {
        ConvGeometry g = lay.g;
        int h = g.h(), wd = g.w(), cIn = g.cIn(), left = g.padLeft(), plane = h * wd, strips = lay.strips, win = Strips.WINDOW;
        Parallel.forRange(g.n() * h, 4, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / h, r = row % h;
                for (int strip = 0; strip < strips; strip++) {
                    int col0 = strip * lay.pixels - left; // input column of window float 0
                    int t0 = Math.max(0, -col0), t1 = Math.max(t0, Math.min(win, wd - col0));
                    for (int c = 0; c < cIn; c++) {
                        int dst = ((row * strips + strip) * cIn + c) * win;
                        Arrays.fill(out, dst, dst + t0, 0f);
                        if (t1 > t0) {
                            System.arraycopy(x, (n * cIn + c) * plane + r * wd + col0 + t0, out, dst + t0, t1 - t0);
                        }
                        Arrays.fill(out, dst + t1, dst + win, 0f);
                    }
                }
            }
        });
    }

    /**
     * x (n, cIn, h, w) to tap runs (n, h, chunk, kw·cIn, RUN) ({@link BlockedLayout#tapRuns}): float t of run (j, c) of
     * chunk k holds the value of channel c that pixel o = k·runStrips·pixels + t reads at kernel column j, padded column
     * o·strideW + j·dilationW, zero outside the input (t < runStrips·pixels; the last floats are not read). Each input
     * row is first split into its stride phases (phase p: padded columns p, p + s, ...), in which a run is consecutive,
     * so every run is one array copy.
     */
    private static void tapRuns(BlockedLayout lay, float[] x, float[] out) {
        ConvGeometry g = lay.g;
        Parallel.forRange(g.n() * g.h(), 4, (from, to) -> {
            float[] phases = new float[(int) (g.cIn() * g.strideW() * lay.phaseLength())];
            for (int row = from; row < to; row++) {
                tapRunsRow(lay, x, row, phases, out);
            }
        });
    }

    /** {@link #tapRuns} of input row {@code row} (image row / h, row row % h), one call per row so that the JIT compiles it whole. */
    private static void tapRunsRow(BlockedLayout lay, float[] x, int row, float[] phases, float[] out) {
        ConvGeometry g = lay.g;
        int h = g.h(), wd = g.w(), cIn = g.cIn(), left = g.padLeft();
        int s = g.strideW(), kw = g.kw(), dw = g.dilationW(), length = (int) lay.phaseLength();
        int n = row / h, r = row % h;
        for (int c = 0; c < cIn; c++) {
            int src = (n * cIn + c) * h * wd + r * wd;
            for (int p = 0; p < s; p++) {
                // phase p, float m: padded column m·s + p, input column m·s + p - left
                int base = (c * s + p) * length;
                int m0 = Math.min(length, Math.max(0, Math.floorDiv(left - p + s - 1, s)));
                int m1 = Math.max(m0, Math.min(length, Math.floorDiv(wd + left - p + s - 1, s)));
                Arrays.fill(phases, base, base + m0, 0f);
                int col = src + m0 * s + p - left;
                if (s == 1) {
                    System.arraycopy(x, col, phases, base + m0, m1 - m0);
                } else if (s == 2) {
                    // One induction variable and a constant scale, so the JIT drops the bounds checks (measured: the general
                    // loop below took 13% of a 3x3 stride-2 stem).
                    for (int m = 0; m < m1 - m0; m++) {
                        phases[base + m0 + m] = x[col + 2 * m];
                    }
                } else {
                    for (int m = base + m0; m < base + m1; m++, col += s) {
                        phases[m] = x[col];
                    }
                }
                Arrays.fill(phases, base + m1, base + length, 0f);
            }
        }
        int pixels = lay.runStrips * lay.pixels;
        int dst = row * lay.chunks * lay.rowTaps() * Strips.RUN;
        for (int chunk = 0; chunk < lay.chunks; chunk++) {
            int o0 = chunk * pixels, count = Math.min(pixels, lay.owStrips - o0);
            for (int j = 0; j < kw; j++) {
                int at = (j * dw) % s * length + o0 + j * dw / s;
                for (int c = 0; c < cIn; c++, dst += Strips.RUN) {
                    System.arraycopy(phases, c * s * length + at, out, dst, count);
                }
            }
        }
    }

    /**
     * x (n, cIn, h, w) to {@code blocks} ({@link ChannelBlocks}: (n, cIn blocks, h, width, LANES)), the zero columns
     * written, the lanes past cIn left as they are (never read): the stride-2 input, read by {@link Strips#twoBlocksBlockedS2}.
     */
    private static void toBlocks(BlockedLayout lay, float[] x, float[] out, ChannelBlocks blocks) {
        ConvGeometry g = lay.g;
        int h = g.h(), wd = g.w(), cIn = g.cIn(), plane = h * wd, width = blocks.width(), left = blocks.left();
        int cBlocks = (cIn + LANES - 1) / LANES;
        Parallel.forRange(g.n() * h, 4, (from, to) -> {
            int[] tileRows = new int[16];
            for (int row = from; row < to; row++) {
                int n = row / h, r = row % h;
                for (int cb = 0; cb < cBlocks; cb++) {
                    int dst = (((n * cBlocks + cb) * h + r) * width) * LANES, src0 = (n * cIn + cb * LANES) * plane + r * wd;
                    int lanes = Math.min(LANES, cIn - cb * LANES);
                    Arrays.fill(out, dst, dst + left * LANES, 0f);
                    Arrays.fill(out, dst + (left + wd) * LANES, dst + width * LANES, 0f);
                    int inside = dst + left * LANES;
                    // Whole tiles (TILE channels x TILE columns) in registers, the rest one by one.
                    int t = Transpose16.TILE, colTiled = t != 0 && lanes == t ? wd / t * t : 0;
                    for (int col = 0; col < colTiled; col += t) {
                        for (int j = 0; j < t; j++) {
                            tileRows[j] = inside + (col + j) * LANES;
                        }
                        Transpose16.machineTile(x, src0 + col, plane, out, tileRows);
                    }
                    for (int l = 0; l < lanes; l++) {
                        int src = src0 + l * plane;
                        for (int col = colTiled; col < wd; col++) {
                            out[inside + col * LANES + l] = x[src + col];
                        }
                    }
                }
            }
        });
    }

    /** x (n, cIn, h, w) to (n, h, rowWidth, cIn), input column col at col + padLeft, zeros in the other columns. */
    private static void channelsLast(BlockedLayout lay, float[] x, float[] out) {
        ConvGeometry g = lay.g;
        int h = g.h(), wd = g.w(), cIn = g.cIn(), rw = lay.rowWidth, left = g.padLeft(), plane = h * wd;
        Parallel.forRange(g.n() * h, 4, (from, to) -> {
            int[] tileRows = new int[16];
            for (int row = from; row < to; row++) {
                int n = row / h, r = row % h;
                int dst = row * rw * cIn;
                Arrays.fill(out, dst, dst + left * cIn, 0f);
                Arrays.fill(out, dst + (left + wd) * cIn, dst + rw * cIn, 0f);
                int inside = dst + left * cIn, src0 = n * cIn * plane + r * wd;
                // Whole tiles (TILE channels x TILE columns) in registers, the rest one by one.
                int t = Transpose16.TILE, cTiled = t != 0 ? cIn / t * t : 0, colTiled = t != 0 ? wd / t * t : 0;
                for (int c = 0; c < cTiled; c += t) {
                    for (int col = 0; col < colTiled; col += t) {
                        for (int j = 0; j < t; j++) {
                            tileRows[j] = inside + (col + j) * cIn + c;
                        }
                        Transpose16.machineTile(x, src0 + c * plane + col, plane, out, tileRows);
                    }
                }
                for (int c = 0; c < cIn; c++) {
                    int src = src0 + c * plane;
                    for (int col = c < cTiled ? colTiled : 0; col < wd; col++) {
                        out[inside + col * cIn + c] = x[src + col];
                    }
                }
            }
        });
    }

    private static float[] grow(float[] a, int size) {
        return a != null && a.length >= size ? a : new float[size];
    }

    /** Buffers reused between calls: packed weights and bias, the channels-last input, the tasks' row buffers. */
    private static final class Scratch {
        float[] weights, bias, input, rows;
    }
}
