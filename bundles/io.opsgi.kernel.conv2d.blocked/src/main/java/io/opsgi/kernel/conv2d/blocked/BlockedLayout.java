package io.opsgi.kernel.conv2d.blocked;

import io.opsgi.kernel.support.VectorRegisters;
import io.opsgi.op.ConvGeometry;

/**
 * The sizes of one blocked convolution, derived once per call from its geometry.
 *
 * <p>Output channels are cut into {@code blocks} blocks of {@code lanes} (one vector; the last
 * zero-padded) and handled two at a time ({@code pairs}; the last pair has one block when
 * {@code blocks} is odd). Each output row is cut into strips of {@link #pixels} pixels; the
 * last strip may run past {@code ow} ({@code owStrips} columns in all), and those extra pixels are
 * computed and dropped, so every strip is full width.
 *
 * <p>The input is read through a channels-last copy with zero columns, {@code (n, h, rowWidth, cIn)}:
 * input pixel (r, col) sits at column {@code col + padLeft} and every other column is zero. So every
 * tap of every strip, the dropped pixels included, reads inside the row, and no tap needs a test.
 * Rows need no padding: a row's taps that fall above or below the input are left out of its tap
 * range. Channels last makes the innermost loop (over input channels) step by one float, a
 * constant stride, which the JIT needs to hoist the bounds checks out of it.
 */
final class BlockedLayout {
    final ConvGeometry g;
    final int lanes, blocks, pairs, taps, owStrips, strips, rowWidth;
    /**
     * Pixels per strip ({@link VectorRegisters#stripPixels}), and the strip kernels of that width.
     */
    final int pixels;
    final Strips kernels;
    /** Strips per chunk of tap runs: as many as one {@link Strips#RUN} holds. */
    final int runStrips;
    /** Chunks of {@link #runStrips} strips per output row ({@link #tapRuns}). */
    final int chunks;
    /** Taps per kernel row and floats per tap ({@link Strips}): a whole row of kw·cIn with dilation 1, else kw of cIn. */
    final int tapsPerRow, tapLength;
    /**
     * Stride 1, horizontal dilation 1 and kw <= {@link Strips#WINDOW} - {@link #pixels} + 1: the input is
     * copied as windows, {@code (n, h, strip, cIn, WINDOW)}: for each strip and channel the WINDOW padded
     * columns from the strip's first pixel on (neighbouring windows overlap by kw - 1 columns), and the
     * strips run {@link Strips#twoBlocksRows}; otherwise channels last and {@link Strips#twoBlocks}.
     */
    final boolean channelRows;
    /**
     * Few input channels ({@code cIn <=} {@link #SMALL_CIN}, a network's first conv): the input is copied as tap runs,
     * {@code (n, h, chunk, kw·cIn, RUN)}: for each chunk of {@link #runStrips} strips, kernel column j and channel
     * c, the values that the chunk's consecutive pixels read at that tap (an im2col of one kernel row, done once per input
     * row, whatever the stride and dilation). One kernel row is then a reduction of kw·cIn values at a constant stride
     * ({@link Strips#twoBlocksTaps}), not cIn values per tap: 21 for 7x7 and 9 for 3x3 on RGB instead of 3.
     * Takes precedence over {@link #channelRows} and channels last.
     */
    final boolean tapRuns;
    /** Input channels up to which {@link #tapRuns} is used. */
    static final int SMALL_CIN = 4;

    BlockedLayout(ConvGeometry g, int lanes) {
        this(g, lanes, VectorRegisters.stripPixels(g.ow(), VectorRegisters.COUNT));
    }

    /** With strips of {@code pixels} pixels, one of the generated widths ({@link StripWidths}), whatever this machine's rule. */
    BlockedLayout(ConvGeometry g, int lanes, int pixels) {
        this.g = g;
        this.lanes = lanes;
        blocks = (g.cOut() + lanes - 1) / lanes;
        pairs = (blocks + 1) / 2;
        taps = g.kh() * g.kw();
        tapsPerRow = g.dilationW() == 1 ? 1 : g.kw();
        tapLength = g.dilationW() == 1 ? g.kw() * g.cIn() : g.cIn();
        tapRuns = g.cIn() <= SMALL_CIN;
        this.pixels = pixels;
        kernels = StripWidths.of(pixels);
        runStrips = Strips.RUN / pixels;
        channelRows = !tapRuns && g.strideW() == 1 && g.dilationW() == 1 && g.kw() <= Strips.WINDOW - pixels + 1;
        strips = (g.ow() + pixels - 1) / pixels;
        chunks = (strips + runStrips - 1) / runStrips;
        owStrips = strips * pixels;
        rowWidth = (int) Math.min(Integer.MAX_VALUE, Math.max(g.padLeft() + (long) g.w(), lastRead() + 1));
    }

    /** Padded column read by the last tap of the last computed pixel. */
    private long lastRead() {
        return (long) (owStrips - 1) * g.strideW() + (long) (g.kw() - 1) * g.dilationW();
    }

    /** Whether every buffer this layout needs is addressable with int indices. */
    boolean fitsInArrays() {
        long limit = Integer.MAX_VALUE - 64;
        long packed = (long) pairs * 2 * lanes * g.cIn() * taps;
        long input = (long) g.n() * g.h() * Math.max(g.padLeft() + (long) g.w(), lastRead() + 1) * g.cIn();
        long rows = (long) g.n() * pairs * g.oh() * rowBufferSize();
        long lastTapRow = (long) (g.kh() - 1) * g.dilationH() * Math.max(g.padLeft() + (long) g.w(), lastRead() + 1) * g.cIn();
        long windows = (long) g.n() * g.h() * strips * g.cIn() * Strips.WINDOW;
        long runs = (long) g.n() * g.h() * chunks * g.kw() * g.cIn() * Strips.RUN;
        long phases = (long) g.cIn() * g.strideW() * phaseLength();
        return packed < limit && input < limit && rows < limit && lastTapRow < limit && windows < limit && runs < limit
                && phases < limit;
    }

    /** Floats of the converted input: tap windows, windows ({@link #channelRows}) or channels last. */
    int inputSize() {
        if (tapRuns) {
            return g.n() * g.h() * chunks * rowTaps() * Strips.RUN;
        }
        return channelRows ? g.n() * g.h() * strips * g.cIn() * Strips.WINDOW : g.n() * g.h() * rowWidth * g.cIn();
    }

    /** Runs per chunk and input row with {@link #tapRuns}: the kw·cIn taps of one kernel row. */
    int rowTaps() {
        return g.kw() * g.cIn();
    }

    /**
     * Floats of one stride phase of a padded input row with {@link #tapRuns}: phase p holds padded columns
     * p, p + s, p + 2s, ...; pixel o reads at kernel column j phase (j·dilationW) mod s at o + (j·dilationW) div s,
     * so the strips' pixels (the dropped ones included) need owStrips + ((kw - 1)·dilationW) div s floats.
     */
    long phaseLength() {
        return owStrips + (long) (g.kw() - 1) * g.dilationW() / g.strideW();
    }

    /** Floats of the packed weights of one pair: [tap][cIn][block of the pair][lane]. */
    int pairStride() {
        return 2 * lanes * g.cIn() * taps;
    }

    /** Floats of one task's strip outputs: two blocks of {@code owStrips} pixel vectors. */
    int rowBufferSize() {
        return 2 * owStrips * lanes;
    }

    /** Output rows per task: about 8 tasks per thread for balance, fewer when rows are scarce. */
    int rowsPerTask(int threads) {
        long rowsTotal = (long) g.n() * pairs * g.oh();
        long perTask = rowsTotal / (8L * threads);
        return (int) Math.max(1, Math.min(g.oh(), perTask));
    }

    int tasksFor(int threads) {
        int rows = rowsPerTask(threads);
        int tiles = (g.oh() + rows - 1) / rows;
        return g.n() * pairs * tiles;
    }

    /** Whether the strips can read the input kept channel-blocked ({@link Strips#twoBlocksBlocked}): stride 1 or 2, dilation 1. */
    boolean readsBlocked() {
        return (g.strideW() == 1 || g.strideW() == 2) && g.dilationW() == 1;
    }

    /**
     * Whether an NCHW input is converted to channel blocks rather than channels last: stride 2 with at least a block of
     * input channels (measured on ResNet-18's stride-2 3x3 convs, blocked strips in place against channels last, both
     * with NCHW out: 0.84 of the CPU time at 64x56 and 128x28; conv1's 3 channels stay channels last, whose tap
     * rows are 21 values long).
     */
    boolean blocksFromNchw() {
        return g.strideW() == 2 && readsBlocked() && g.cIn() >= lanes;
    }

    /** Zero columns right of the input that a blocked input needs: the last tap of the last computed pixel (the dropped ones included). */
    int blockedInputRight() {
        return (int) Math.max(0, (long) (owStrips - 1) * g.strideW() + g.kw() - 1 - g.padLeft() - (g.w() - 1));
    }
}
