package io.opsgi.kernel.conv2d.blocked;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernels: a strip of {@link #PIXELS} output pixels of one row times one
 * or two blocks of output channels, each accumulator one vector of channels, all of them held in
 * registers over the whole reduction. Per input channel and tap, each pixel's input value is
 * broadcast once and multiplied into both blocks' weight vectors.
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
final class Strips {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /**
     * Floats of one pair's weights per reduction step, as one constant: the index is then one shift
     * of c (C2's range-check elimination recognizes i·scale + offset, not (i·2)·16).
     */
    private static final int PAIR = 2 * LANES;
    /** Pixels per strip: 7 divides every ResNet and MobileNet width (112, 56, 28, 14, 7). */
    static final int PIXELS = 7;
    /**
     * Pixels per strip of {@link Strips6}, for 8 lanes (AVX2), whose 16 registers do not hold 7 x 2 accumulators, the two
     * weight vectors and a broadcast; {@link BlockedLayout#pixels} chooses.
     */
    static final int PIXELS_AVX2 = 6;
    /** Floats of one channel's input window in {@link #twoBlocksRows}: the strip's pixels and up to 9 more columns. */
    static final int WINDOW = 16;
    /** Floats of one tap run ({@link #twoBlocksTaps}): the pixels of {@link BlockedLayout#runStrips} strips (126: 18 of 7 or 21 of 6), two floats unused. */
    static final int RUN = 128;

    private Strips() {
    }

    static void twoBlocks(float[] x, int xBase, int step, int inner, int[] tapOffset, int t0, int t1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1, c6 = bias1;
        int s1 = step, s2 = 2 * step, s3 = 3 * step, s4 = 4 * step, s5 = 5 * step, s6 = 6 * step;
        int tapStride = inner * PAIR;
        if (t0 < t1 && inner > 0) {
            int t = t0;
            do {
                int xi = xBase + tapOffset[t];
                int wt = wPair + t * tapStride;
                int c = 0;
                do {
                    FloatVector u = FloatVector.fromArray(SPECIES, w, wt + c * PAIR);
                    FloatVector v = FloatVector.fromArray(SPECIES, w, wt + c * PAIR + LANES);
                    FloatVector p = FloatVector.broadcast(SPECIES, x[xi + c]);
                    a0 = u.fma(p, a0);
                    c0 = v.fma(p, c0);
                    p = FloatVector.broadcast(SPECIES, x[xi + s1 + c]);
                    a1 = u.fma(p, a1);
                    c1 = v.fma(p, c1);
                    p = FloatVector.broadcast(SPECIES, x[xi + s2 + c]);
                    a2 = u.fma(p, a2);
                    c2 = v.fma(p, c2);
                    p = FloatVector.broadcast(SPECIES, x[xi + s3 + c]);
                    a3 = u.fma(p, a3);
                    c3 = v.fma(p, c3);
                    p = FloatVector.broadcast(SPECIES, x[xi + s4 + c]);
                    a4 = u.fma(p, a4);
                    c4 = v.fma(p, c4);
                    p = FloatVector.broadcast(SPECIES, x[xi + s5 + c]);
                    a5 = u.fma(p, a5);
                    c5 = v.fma(p, c5);
                    p = FloatVector.broadcast(SPECIES, x[xi + s6 + c]);
                    a6 = u.fma(p, a6);
                    c6 = v.fma(p, c6);
                } while (++c < inner);
            } while (++t < t1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
        c6.intoArray(out, out1 + 6 * LANES);
    }

    /** {@link #twoBlocks} for a pair holding one block (the last, when the block count is odd): weights [tap][cIn][lane]. */
    static void oneBlock(float[] x, int xBase, int step, int inner, int[] tapOffset, int t0, int t1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        int s1 = step, s2 = 2 * step, s3 = 3 * step, s4 = 4 * step, s5 = 5 * step, s6 = 6 * step;
        int tapStride = inner * LANES;
        if (t0 < t1 && inner > 0) {
            int t = t0;
            do {
                int xi = xBase + tapOffset[t];
                int wt = wPair + t * tapStride;
                int c = 0;
                do {
                    FloatVector u = FloatVector.fromArray(SPECIES, w, wt + c * LANES);
                    a0 = u.fma(FloatVector.broadcast(SPECIES, x[xi + c]), a0);
                    a1 = u.fma(FloatVector.broadcast(SPECIES, x[xi + s1 + c]), a1);
                    a2 = u.fma(FloatVector.broadcast(SPECIES, x[xi + s2 + c]), a2);
                    a3 = u.fma(FloatVector.broadcast(SPECIES, x[xi + s3 + c]), a3);
                    a4 = u.fma(FloatVector.broadcast(SPECIES, x[xi + s4 + c]), a4);
                    a5 = u.fma(FloatVector.broadcast(SPECIES, x[xi + s5 + c]), a5);
                    a6 = u.fma(FloatVector.broadcast(SPECIES, x[xi + s6 + c]), a6);
                } while (++c < inner);
            } while (++t < t1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
    }

    /**
     * {@link #twoBlocks} for stride 1 and horizontal dilation 1 on the input as windows
     * ({@link BlockedLayout#channelRows}): each channel's {@link #WINDOW} columns from the strip's first
     * pixel on are consecutive, so the strip's 7 pixels of one channel and tap are 7 consecutive floats at
     * constant offsets, and the next channel is a constant {@code WINDOW} further. The loop carries one input
     * index and one weight index (the channels-last loop kept 7 pixel offsets, which C2 spilled to the stack
     * and reloaded every iteration: 18 loads per 14 FMAs).
     *
     * <p>{@code x0} is the index of (image, input row {@code top}, this strip, channel 0, window float 0);
     * kernel rows {@code [i0, i1)} are summed, row i's windows at {@code x0 + i·rowStep}; tap (i, j) reads
     * window floats j..j+6 and the weights [tap i·kw + j][cIn][block][lane] of the pair.
     */
    static void twoBlocksRows(float[] x, int x0, int rowStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1, c6 = bias1;
        int channelsLength = cIn * WINDOW, tapStride = cIn * PAIR;
        if (i0 < i1 && cIn > 0) {
            int i = i0;
            do {
                int j = 0;
                do {
                    int q = x0 + i * rowStep + j, end = q + channelsLength;
                    int wq = wPair + (i * kw + j) * tapStride;
                    do {
                        FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                        FloatVector v = FloatVector.fromArray(SPECIES, w, wq + LANES);
                        FloatVector p = FloatVector.broadcast(SPECIES, x[q]);
                        a0 = u.fma(p, a0);
                        c0 = v.fma(p, c0);
                        p = FloatVector.broadcast(SPECIES, x[q + 1]);
                        a1 = u.fma(p, a1);
                        c1 = v.fma(p, c1);
                        p = FloatVector.broadcast(SPECIES, x[q + 2]);
                        a2 = u.fma(p, a2);
                        c2 = v.fma(p, c2);
                        p = FloatVector.broadcast(SPECIES, x[q + 3]);
                        a3 = u.fma(p, a3);
                        c3 = v.fma(p, c3);
                        p = FloatVector.broadcast(SPECIES, x[q + 4]);
                        a4 = u.fma(p, a4);
                        c4 = v.fma(p, c4);
                        p = FloatVector.broadcast(SPECIES, x[q + 5]);
                        a5 = u.fma(p, a5);
                        c5 = v.fma(p, c5);
                        p = FloatVector.broadcast(SPECIES, x[q + 6]);
                        a6 = u.fma(p, a6);
                        c6 = v.fma(p, c6);
                        wq += PAIR;
                        q += WINDOW;
                    } while (q < end);
                } while (++j < kw);
            } while (++i < i1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
        c6.intoArray(out, out1 + 6 * LANES);
    }

    /** {@link #twoBlocksRows} for a pair holding one block: weights [tap][cIn][lane]. */
    static void oneBlockRows(float[] x, int x0, int rowStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        int channelsLength = cIn * WINDOW, tapStride = cIn * LANES;
        if (i0 < i1 && cIn > 0) {
            int i = i0;
            do {
                int j = 0;
                do {
                    int q = x0 + i * rowStep + j, end = q + channelsLength;
                    int wq = wPair + (i * kw + j) * tapStride;
                    do {
                        FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                        a0 = u.fma(FloatVector.broadcast(SPECIES, x[q]), a0);
                        a1 = u.fma(FloatVector.broadcast(SPECIES, x[q + 1]), a1);
                        a2 = u.fma(FloatVector.broadcast(SPECIES, x[q + 2]), a2);
                        a3 = u.fma(FloatVector.broadcast(SPECIES, x[q + 3]), a3);
                        a4 = u.fma(FloatVector.broadcast(SPECIES, x[q + 4]), a4);
                        a5 = u.fma(FloatVector.broadcast(SPECIES, x[q + 5]), a5);
                        a6 = u.fma(FloatVector.broadcast(SPECIES, x[q + 6]), a6);
                        wq += LANES;
                        q += WINDOW;
                    } while (q < end);
                } while (++j < kw);
            } while (++i < i1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
    }

    /**
     * {@link #twoBlocksRows} for few input channels on the input as tap runs ({@link BlockedLayout#tapRuns}): for each
     * kernel column j and channel c of a kernel row, a run of {@link #RUN} floats holds the values that consecutive
     * pixels read at that tap, so the strip's 7 pixels are 7 consecutive floats and the next (j, c) a constant
     * {@code RUN} further: one kernel row is a single reduction of {@code taps} = kw·cIn steps (21 for a 7x7 RGB conv,
     * not 7 of 3), whatever the stride. {@code x0} is the index of (image, input row {@code top}, chunk, tap 0, the strip's
     * first pixel); kernel rows {@code [i0, i1)} are summed, row i at {@code x0 + i·rowStep}, with the weights
     * [row i][taps][block][lane] of the pair. The results are clamped to [{@code lo}, {@code hi}] in registers (the
     * epilogue's relu, relu6 or hardtanh; -inf and +inf for none).
     */
    static void twoBlocksTaps(float[] x, int x0, int rowStep, int taps, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float lo, float hi, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1, c6 = bias1;
        int runsLength = taps * RUN, rowStride = taps * PAIR;
        if (i0 < i1 && taps > 0) {
            int i = i0;
            do {
                int q = x0 + i * rowStep, end = q + runsLength;
                int wq = wPair + i * rowStride;
                do {
                    FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                    FloatVector v = FloatVector.fromArray(SPECIES, w, wq + LANES);
                    FloatVector p = FloatVector.broadcast(SPECIES, x[q]);
                    a0 = u.fma(p, a0);
                    c0 = v.fma(p, c0);
                    p = FloatVector.broadcast(SPECIES, x[q + 1]);
                    a1 = u.fma(p, a1);
                    c1 = v.fma(p, c1);
                    p = FloatVector.broadcast(SPECIES, x[q + 2]);
                    a2 = u.fma(p, a2);
                    c2 = v.fma(p, c2);
                    p = FloatVector.broadcast(SPECIES, x[q + 3]);
                    a3 = u.fma(p, a3);
                    c3 = v.fma(p, c3);
                    p = FloatVector.broadcast(SPECIES, x[q + 4]);
                    a4 = u.fma(p, a4);
                    c4 = v.fma(p, c4);
                    p = FloatVector.broadcast(SPECIES, x[q + 5]);
                    a5 = u.fma(p, a5);
                    c5 = v.fma(p, c5);
                    p = FloatVector.broadcast(SPECIES, x[q + 6]);
                    a6 = u.fma(p, a6);
                    c6 = v.fma(p, c6);
                    wq += PAIR;
                    q += RUN;
                } while (q < end);
            } while (++i < i1);
        }
        // v < lo ? lo : v, then hi < v ? hi : v, as VectorEpilogue computes relu, relu6 and hardtanh (NaN and -0 included),
        // written out: under an if, or through a helper method, C2 boxed the accumulators (measured: 10x slower).
        FloatVector l = FloatVector.broadcast(SPECIES, lo), u = FloatVector.broadcast(SPECIES, hi);
        a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
        a0 = a0.blend(u, u.compare(VectorOperators.LT, a0));
        a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
        a1 = a1.blend(u, u.compare(VectorOperators.LT, a1));
        a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
        a2 = a2.blend(u, u.compare(VectorOperators.LT, a2));
        a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
        a3 = a3.blend(u, u.compare(VectorOperators.LT, a3));
        a4 = a4.blend(l, a4.compare(VectorOperators.LT, l));
        a4 = a4.blend(u, u.compare(VectorOperators.LT, a4));
        a5 = a5.blend(l, a5.compare(VectorOperators.LT, l));
        a5 = a5.blend(u, u.compare(VectorOperators.LT, a5));
        a6 = a6.blend(l, a6.compare(VectorOperators.LT, l));
        a6 = a6.blend(u, u.compare(VectorOperators.LT, a6));
        c0 = c0.blend(l, c0.compare(VectorOperators.LT, l));
        c0 = c0.blend(u, u.compare(VectorOperators.LT, c0));
        c1 = c1.blend(l, c1.compare(VectorOperators.LT, l));
        c1 = c1.blend(u, u.compare(VectorOperators.LT, c1));
        c2 = c2.blend(l, c2.compare(VectorOperators.LT, l));
        c2 = c2.blend(u, u.compare(VectorOperators.LT, c2));
        c3 = c3.blend(l, c3.compare(VectorOperators.LT, l));
        c3 = c3.blend(u, u.compare(VectorOperators.LT, c3));
        c4 = c4.blend(l, c4.compare(VectorOperators.LT, l));
        c4 = c4.blend(u, u.compare(VectorOperators.LT, c4));
        c5 = c5.blend(l, c5.compare(VectorOperators.LT, l));
        c5 = c5.blend(u, u.compare(VectorOperators.LT, c5));
        c6 = c6.blend(l, c6.compare(VectorOperators.LT, l));
        c6 = c6.blend(u, u.compare(VectorOperators.LT, c6));
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
        c6.intoArray(out, out1 + 6 * LANES);
    }

    /** {@link #twoBlocksTaps} for a pair holding one block: weights [row][taps][lane]. */
    static void oneBlockTaps(float[] x, int x0, int rowStep, int taps, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float lo, float hi, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        int runsLength = taps * RUN, rowStride = taps * LANES;
        if (i0 < i1 && taps > 0) {
            int i = i0;
            do {
                int q = x0 + i * rowStep, end = q + runsLength;
                int wq = wPair + i * rowStride;
                do {
                    FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                    a0 = u.fma(FloatVector.broadcast(SPECIES, x[q]), a0);
                    a1 = u.fma(FloatVector.broadcast(SPECIES, x[q + 1]), a1);
                    a2 = u.fma(FloatVector.broadcast(SPECIES, x[q + 2]), a2);
                    a3 = u.fma(FloatVector.broadcast(SPECIES, x[q + 3]), a3);
                    a4 = u.fma(FloatVector.broadcast(SPECIES, x[q + 4]), a4);
                    a5 = u.fma(FloatVector.broadcast(SPECIES, x[q + 5]), a5);
                    a6 = u.fma(FloatVector.broadcast(SPECIES, x[q + 6]), a6);
                    wq += LANES;
                    q += RUN;
                } while (q < end);
            } while (++i < i1);
        }
        // v < lo ? lo : v, then hi < v ? hi : v, as VectorEpilogue computes relu, relu6 and hardtanh (NaN and -0 included),
        // written out: under an if, or through a helper method, C2 boxed the accumulators (measured: 10x slower).
        FloatVector l = FloatVector.broadcast(SPECIES, lo), u = FloatVector.broadcast(SPECIES, hi);
        a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
        a0 = a0.blend(u, u.compare(VectorOperators.LT, a0));
        a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
        a1 = a1.blend(u, u.compare(VectorOperators.LT, a1));
        a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
        a2 = a2.blend(u, u.compare(VectorOperators.LT, a2));
        a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
        a3 = a3.blend(u, u.compare(VectorOperators.LT, a3));
        a4 = a4.blend(l, a4.compare(VectorOperators.LT, l));
        a4 = a4.blend(u, u.compare(VectorOperators.LT, a4));
        a5 = a5.blend(l, a5.compare(VectorOperators.LT, l));
        a5 = a5.blend(u, u.compare(VectorOperators.LT, a5));
        a6 = a6.blend(l, a6.compare(VectorOperators.LT, l));
        a6 = a6.blend(u, u.compare(VectorOperators.LT, a6));
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
    }

    /**
     * {@link #twoBlocksRows} on an input kept channel-blocked between convs ({@code io.opsgi.op.ChannelBlocks}:
     * (n, cIn blocks, h, width, LANES), zero columns around each row), stride 1: pixel k of the strip for one
     * channel and tap is {@code k·LANES} floats after pixel 0, a constant offset as in the windows, and the next
     * channel of a block is the next float. {@code x0} is the index of (image, block 0, input row {@code top},
     * the strip's first padded column, lane 0); kernel row i at {@code + i·rowStep}, column j at {@code + j·LANES},
     * channel block cb at {@code + cb·blockStep}. No conversion of the input at all.
     */
    static void twoBlocksBlocked(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1, c6 = bias1;
        int tapStride = cIn * PAIR, cBlocks = (cIn + LANES - 1) / LANES;
        if (i0 < i1 && cIn > 0) {
            int i = i0;
            do {
                int j = 0;
                do {
                    int wq = wPair + (i * kw + j) * tapStride, xt = x0 + i * rowStep + j * LANES;
                    int cb = 0;
                    do {
                        int q = xt + cb * blockStep, end = q + Math.min(LANES, cIn - cb * LANES);
                        do {
                            FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                            FloatVector v = FloatVector.fromArray(SPECIES, w, wq + LANES);
                            FloatVector p = FloatVector.broadcast(SPECIES, x[q]);
                            a0 = u.fma(p, a0);
                            c0 = v.fma(p, c0);
                            p = FloatVector.broadcast(SPECIES, x[q + 1 * LANES]);
                            a1 = u.fma(p, a1);
                            c1 = v.fma(p, c1);
                            p = FloatVector.broadcast(SPECIES, x[q + 2 * LANES]);
                            a2 = u.fma(p, a2);
                            c2 = v.fma(p, c2);
                            p = FloatVector.broadcast(SPECIES, x[q + 3 * LANES]);
                            a3 = u.fma(p, a3);
                            c3 = v.fma(p, c3);
                            p = FloatVector.broadcast(SPECIES, x[q + 4 * LANES]);
                            a4 = u.fma(p, a4);
                            c4 = v.fma(p, c4);
                            p = FloatVector.broadcast(SPECIES, x[q + 5 * LANES]);
                            a5 = u.fma(p, a5);
                            c5 = v.fma(p, c5);
                            p = FloatVector.broadcast(SPECIES, x[q + 6 * LANES]);
                            a6 = u.fma(p, a6);
                            c6 = v.fma(p, c6);
                            wq += PAIR;
                        } while (++q < end);
                    } while (++cb < cBlocks);
                } while (++j < kw);
            } while (++i < i1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
        c6.intoArray(out, out1 + 6 * LANES);
    }

    /** {@link #twoBlocksBlocked} for a pair holding one block: weights [tap][cIn][lane]. */
    static void oneBlockBlocked(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        int tapStride = cIn * LANES, cBlocks = (cIn + LANES - 1) / LANES;
        if (i0 < i1 && cIn > 0) {
            int i = i0;
            do {
                int j = 0;
                do {
                    int wq = wPair + (i * kw + j) * tapStride, xt = x0 + i * rowStep + j * LANES;
                    int cb = 0;
                    do {
                        int q = xt + cb * blockStep, end = q + Math.min(LANES, cIn - cb * LANES);
                        do {
                            FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                            a0 = u.fma(FloatVector.broadcast(SPECIES, x[q]), a0);
                            a1 = u.fma(FloatVector.broadcast(SPECIES, x[q + 1 * LANES]), a1);
                            a2 = u.fma(FloatVector.broadcast(SPECIES, x[q + 2 * LANES]), a2);
                            a3 = u.fma(FloatVector.broadcast(SPECIES, x[q + 3 * LANES]), a3);
                            a4 = u.fma(FloatVector.broadcast(SPECIES, x[q + 4 * LANES]), a4);
                            a5 = u.fma(FloatVector.broadcast(SPECIES, x[q + 5 * LANES]), a5);
                            a6 = u.fma(FloatVector.broadcast(SPECIES, x[q + 6 * LANES]), a6);
                            wq += LANES;
                        } while (++q < end);
                    } while (++cb < cBlocks);
                } while (++j < kw);
            } while (++i < i1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
    }

    /** {@link #twoBlocksBlocked} for stride 2: pixel k at {@code 2k·LANES}, column j of the kernel at {@code j·LANES}. */
    static void twoBlocksBlockedS2(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1, c6 = bias1;
        int tapStride = cIn * PAIR, cBlocks = (cIn + LANES - 1) / LANES;
        if (i0 < i1 && cIn > 0) {
            int i = i0;
            do {
                int j = 0;
                do {
                    int wq = wPair + (i * kw + j) * tapStride, xt = x0 + i * rowStep + j * LANES;
                    int cb = 0;
                    do {
                        int q = xt + cb * blockStep, end = q + Math.min(LANES, cIn - cb * LANES);
                        do {
                            FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                            FloatVector v = FloatVector.fromArray(SPECIES, w, wq + LANES);
                            FloatVector p = FloatVector.broadcast(SPECIES, x[q]);
                            a0 = u.fma(p, a0);
                            c0 = v.fma(p, c0);
                            p = FloatVector.broadcast(SPECIES, x[q + 2 * LANES]);
                            a1 = u.fma(p, a1);
                            c1 = v.fma(p, c1);
                            p = FloatVector.broadcast(SPECIES, x[q + 4 * LANES]);
                            a2 = u.fma(p, a2);
                            c2 = v.fma(p, c2);
                            p = FloatVector.broadcast(SPECIES, x[q + 6 * LANES]);
                            a3 = u.fma(p, a3);
                            c3 = v.fma(p, c3);
                            p = FloatVector.broadcast(SPECIES, x[q + 8 * LANES]);
                            a4 = u.fma(p, a4);
                            c4 = v.fma(p, c4);
                            p = FloatVector.broadcast(SPECIES, x[q + 10 * LANES]);
                            a5 = u.fma(p, a5);
                            c5 = v.fma(p, c5);
                            p = FloatVector.broadcast(SPECIES, x[q + 12 * LANES]);
                            a6 = u.fma(p, a6);
                            c6 = v.fma(p, c6);
                            wq += PAIR;
                        } while (++q < end);
                    } while (++cb < cBlocks);
                } while (++j < kw);
            } while (++i < i1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
        c6.intoArray(out, out1 + 6 * LANES);
    }

    /** {@link #twoBlocksBlockedS2} for a pair holding one block. */
    static void oneBlockBlockedS2(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        int tapStride = cIn * LANES, cBlocks = (cIn + LANES - 1) / LANES;
        if (i0 < i1 && cIn > 0) {
            int i = i0;
            do {
                int j = 0;
                do {
                    int wq = wPair + (i * kw + j) * tapStride, xt = x0 + i * rowStep + j * LANES;
                    int cb = 0;
                    do {
                        int q = xt + cb * blockStep, end = q + Math.min(LANES, cIn - cb * LANES);
                        do {
                            FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                            a0 = u.fma(FloatVector.broadcast(SPECIES, x[q]), a0);
                            a1 = u.fma(FloatVector.broadcast(SPECIES, x[q + 2 * LANES]), a1);
                            a2 = u.fma(FloatVector.broadcast(SPECIES, x[q + 4 * LANES]), a2);
                            a3 = u.fma(FloatVector.broadcast(SPECIES, x[q + 6 * LANES]), a3);
                            a4 = u.fma(FloatVector.broadcast(SPECIES, x[q + 8 * LANES]), a4);
                            a5 = u.fma(FloatVector.broadcast(SPECIES, x[q + 10 * LANES]), a5);
                            a6 = u.fma(FloatVector.broadcast(SPECIES, x[q + 12 * LANES]), a6);
                            wq += LANES;
                        } while (++q < end);
                    } while (++cb < cBlocks);
                } while (++j < kw);
            } while (++i < i1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        a6.intoArray(out, out0 + 6 * LANES);
    }
}
