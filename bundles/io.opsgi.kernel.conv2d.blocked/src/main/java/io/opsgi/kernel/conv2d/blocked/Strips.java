package io.opsgi.kernel.conv2d.blocked;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernels: a strip of {@link #pixels} output pixels of one row times one
 * or two blocks of output channels, each accumulator one vector of channels, all of them held in
 * registers over the whole reduction. Per input channel and tap, each pixel's input value is
 * broadcast once and multiplied into both blocks' weight vectors.
 *
 * <p>One subclass per strip width ({@link #WIDTHS}), generated at build time from {@code src/build/Strips.template}
 * by {@code bundles/build/Unroll.java}: C2 keeps the accumulators in registers only as separate locals, so each
 * width is its own unrolled code, and the template keeps the widths identical in all but the unrolling. Every width
 * sums in the same order and gives the same bits.
 *
 * <p>The reduction is cut into "taps" of {@code inner} consecutive input values each: with
 * horizontal dilation 1, the kw·cIn values of one kernel row are consecutive in the channels-last
 * input and in the packed weights, so a tap is a whole kernel row; otherwise a tap is one (i, j)
 * and inner = cIn. Inputs: {@code x} channels-last ({@link BlockedLayout}), {@code xBase} the index
 * of pixel 0's first value, {@code step} the distance between pixels (stride·cIn);
 * {@code tapOffset[t]} the offset of tap t; taps {@code [t0, t1)} are summed. Weights {@code w} of
 * the pair start at {@code wPair} as [tap][inner][block][lane]. Accumulators start at the packed
 * bias {@code b[b0..]} and end in {@code out} as [block][pixel][lane] at {@code out0} (and
 * {@code out1}).
 *
 * <p>The innermost loop runs over a tap's values with constant strides (1 float of input, one or
 * two vectors of weights), so the JIT hoists every bounds check out of it; with whole kernel rows
 * as taps it is long even for few channels (21 values for conv1's 3 channels x 7 columns). The two
 * blocks' weight vectors are interleaved so that the loop reads one weight stream, not two
 * (measured: 2x faster at cIn = 512, where the weights stream from L2).
 *
 * <p>All loops are do-while loops on purpose: OpenJDK 17's C2 keeps vector accumulators in
 * registers through nested do-while loops, but boxes them on the heap (20-40x slower) when a for
 * loop carrying them sits inside another loop (measured; see the module README).
 */
abstract class Strips {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /**
     * Floats of one pair's weights per reduction step, as one constant: the index is then one shift
     * of c (C2's range-check elimination recognizes i·scale + offset, not (i·2)·16).
     */
    static final int PAIR = 2 * LANES;
    /** Floats of one channel's input window in {@link #twoBlocksRows}: the strip's pixels and up to 9 more columns. */
    static final int WINDOW = 16;
    /** Floats of one tap run ({@link #twoBlocksTaps}): the pixels of {@link BlockedLayout#runStrips} strips (126 of 18 x 7 or 21 x 6, 128 of 32 x 4). */
    static final int RUN = 128;
    /** Pixels per strip. */
    final int pixels;

    Strips(int pixels) {
        this.pixels = pixels;
    }

    /** {@link #twoBlocksRows} and its siblings on channels-last input: pixel k at {@code xBase + k·step} in tap t at {@code tapOffset[t]}. */
    abstract void twoBlocks(float[] x, int xBase, int step, int inner, int[] tapOffset, int t0, int t1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1);

    /** {@link #twoBlocks} for a pair holding one block (the last, when the block count is odd): weights [tap][cIn][lane]. */
    abstract void oneBlock(float[] x, int xBase, int step, int inner, int[] tapOffset, int t0, int t1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0);

    /**
     * {@link #twoBlocks} for stride 1 and horizontal dilation 1 on the input as windows
     * ({@link BlockedLayout#channelRows}): each channel's {@link #WINDOW} columns from the strip's first
     * pixel on are consecutive, so the strip's pixels of one channel and tap are consecutive floats at
     * constant offsets, and the next channel is a constant {@code WINDOW} further. The loop carries one input
     * index and one weight index (the channels-last loop kept 7 pixel offsets, which C2 spilled to the stack
     * and reloaded every iteration: 18 loads per 14 FMAs).
     *
     * <p>{@code x0} is the index of (image, input row {@code top}, this strip, channel 0, window float 0);
     * kernel rows {@code [i0, i1)} are summed, row i's windows at {@code x0 + i·rowStep}; tap (i, j) reads
     * window floats j..j+pixels-1 and the weights [tap i·kw + j][cIn][block][lane] of the pair.
     */
    abstract void twoBlocksRows(float[] x, int x0, int rowStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1);

    /** {@link #twoBlocksRows} for a pair holding one block: weights [tap][cIn][lane]. */
    abstract void oneBlockRows(float[] x, int x0, int rowStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0);

    /**
     * {@link #twoBlocksRows} for few input channels on the input as tap runs ({@link BlockedLayout#tapRuns}): for each
     * kernel column j and channel c of a kernel row, a run of {@link #RUN} floats holds the values that consecutive
     * pixels read at that tap, so the strip's pixels are consecutive floats and the next (j, c) a constant
     * {@code RUN} further: one kernel row is a single reduction of {@code taps} = kw·cIn steps (21 for a 7x7 RGB conv,
     * not 7 of 3), whatever the stride. {@code x0} is the index of (image, input row {@code top}, chunk, tap 0, the strip's
     * first pixel); kernel rows {@code [i0, i1)} are summed, row i at {@code x0 + i·rowStep}, with the weights
     * [row i][taps][block][lane] of the pair. The results are clamped to [{@code lo}, {@code hi}] in registers (the
     * epilogue's relu, relu6 or hardtanh; -inf and +inf for none).
     */
    abstract void twoBlocksTaps(float[] x, int x0, int rowStep, int taps, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float lo, float hi, float[] out, int out0, int out1);

    /** {@link #twoBlocksTaps} for a pair holding one block: weights [row][taps][lane]. */
    abstract void oneBlockTaps(float[] x, int x0, int rowStep, int taps, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float lo, float hi, float[] out, int out0);

    /**
     * {@link #twoBlocksRows} on an input kept channel-blocked between convs ({@code io.opsgi.op.ChannelBlocks}:
     * (n, cIn blocks, h, width, LANES), zero columns around each row), stride 1: pixel k of the strip for one
     * channel and tap is {@code k·LANES} floats after pixel 0, a constant offset as in the windows, and the next
     * channel of a block is the next float. {@code x0} is the index of (image, block 0, input row {@code top},
     * the strip's first padded column, lane 0); kernel row i at {@code + i·rowStep}, column j at {@code + j·LANES},
     * channel block cb at {@code + cb·blockStep}. No conversion of the input at all.
     */
    abstract void twoBlocksBlocked(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1);

    /** {@link #twoBlocksBlocked} for a pair holding one block: weights [tap][cIn][lane]. */
    abstract void oneBlockBlocked(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0);

    /** {@link #twoBlocksBlocked} for stride 2: pixel k at {@code 2k·LANES}, column j of the kernel at {@code j·LANES}. */
    abstract void twoBlocksBlockedS2(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1);

    /** {@link #twoBlocksBlockedS2} for a pair holding one block. */
    abstract void oneBlockBlockedS2(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0);
}
