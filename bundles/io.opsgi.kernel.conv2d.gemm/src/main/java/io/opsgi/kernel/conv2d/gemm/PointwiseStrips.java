package io.opsgi.kernel.conv2d.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernels of the channel-blocked 1x1 conv ({@link PointwiseBlocked}): a strip of
 * {@link #PIXELS} output pixels of one row times one or two blocks of output channels, each accumulator one vector
 * of channels, all held in registers over the whole reduction; per input channel each pixel's input value is
 * broadcast once against the pair's two weight vectors (packed [cIn][2 blocks][lane], one stream).
 *
 * <p>The input is read where it is, blocked or NCHW, described by: {@code x0} the index of input channel 0 of pixel 0,
 * {@code ps} the distance between the strip's pixels, input channels in groups of {@code groupLen} consecutive floats
 * (a block's lanes: {@code groupLen} = lanes; NCHW: 1), {@code groupStep} apart (a block's plane; NCHW: a channel's
 * plane). Only the {@code cIn} real channels are broadcast, so lanes past cIn of a blocked input (unspecified,
 * possibly NaN) never reach an output.
 *
 * <p>Each call sums input channels [cFrom, cTo) (a K block of the GEMM, {@code Sgemm.kBlock}) from zero, one FMA per
 * channel in order, and stores pixel p's sums of block 0 at {@code out[o0 + p·LANES]} (block 1 at {@code o1}), a small
 * buffer still in L1; {@link #store} then finishes them into the output as the GEMM stores a K block, so every output
 * is the NCHW GEMM's bits, whatever the layouts.
 *
 * <p>Loops are do-while loops, as in the blocked conv's strips: C2 keeps vector accumulators in registers through
 * nested do-while loops.
 */
final class PointwiseStrips {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    private static final int PAIR = 2 * LANES;
    /** Pixels per strip: 7 divides every ResNet and MobileNet width (112, 56, 28, 14, 7); 14 accumulators + 2 weights + 1 broadcast in 32 registers. */
    static final int PIXELS = 7;
    /** What {@link #store} applies after the last K block: nothing, relu, clamp(lo, hi) (the residual too if res != null). */
    static final int NONE = 0, RELU = 1, CLAMP = 2;

    private PointwiseStrips() {
    }

    static void two(float[] x, int x0, int ps, int groupLen, int groupStep, int cFrom, int cTo, float[] w, int wq0, float[] out, int o0,
            int o1) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero;
        FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, c5 = zero, c6 = zero;
        int s1 = ps, s2 = 2 * ps, s3 = 3 * ps, s4 = 4 * ps, s5 = 5 * ps, s6 = 6 * ps;
        int wq = wq0;
        if (cFrom < cTo) {
            int g = cFrom / groupLen, c = cFrom, q = x0 + g * groupStep + (cFrom - g * groupLen);
            do {
                int end = q + Math.min(groupLen - (c - g * groupLen), cTo - c);
                c += end - q;
                do {
                    FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                    FloatVector v = FloatVector.fromArray(SPECIES, w, wq + LANES);
                    FloatVector p = FloatVector.broadcast(SPECIES, x[q]);
                    a0 = u.fma(p, a0);
                    c0 = v.fma(p, c0);
                    p = FloatVector.broadcast(SPECIES, x[q + s1]);
                    a1 = u.fma(p, a1);
                    c1 = v.fma(p, c1);
                    p = FloatVector.broadcast(SPECIES, x[q + s2]);
                    a2 = u.fma(p, a2);
                    c2 = v.fma(p, c2);
                    p = FloatVector.broadcast(SPECIES, x[q + s3]);
                    a3 = u.fma(p, a3);
                    c3 = v.fma(p, c3);
                    p = FloatVector.broadcast(SPECIES, x[q + s4]);
                    a4 = u.fma(p, a4);
                    c4 = v.fma(p, c4);
                    p = FloatVector.broadcast(SPECIES, x[q + s5]);
                    a5 = u.fma(p, a5);
                    c5 = v.fma(p, c5);
                    p = FloatVector.broadcast(SPECIES, x[q + s6]);
                    a6 = u.fma(p, a6);
                    c6 = v.fma(p, c6);
                    wq += PAIR;
                } while (++q < end);
                g++;
                q = x0 + g * groupStep;
            } while (c < cTo);
        }
        a0.intoArray(out, o0);
        a1.intoArray(out, o0 + LANES);
        a2.intoArray(out, o0 + 2 * LANES);
        a3.intoArray(out, o0 + 3 * LANES);
        a4.intoArray(out, o0 + 4 * LANES);
        a5.intoArray(out, o0 + 5 * LANES);
        a6.intoArray(out, o0 + 6 * LANES);
        c0.intoArray(out, o1);
        c1.intoArray(out, o1 + LANES);
        c2.intoArray(out, o1 + 2 * LANES);
        c3.intoArray(out, o1 + 3 * LANES);
        c4.intoArray(out, o1 + 4 * LANES);
        c5.intoArray(out, o1 + 5 * LANES);
        c6.intoArray(out, o1 + 6 * LANES);
    }

    /** {@link #two} for the last block of an odd block count: weights [cIn][lane]. */
    static void one(float[] x, int x0, int ps, int groupLen, int groupStep, int cFrom, int cTo, float[] w, int wq0, float[] out, int o0) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero;
        int s1 = ps, s2 = 2 * ps, s3 = 3 * ps, s4 = 4 * ps, s5 = 5 * ps, s6 = 6 * ps;
        int wq = wq0;
        if (cFrom < cTo) {
            int g = cFrom / groupLen, c = cFrom, q = x0 + g * groupStep + (cFrom - g * groupLen);
            do {
                int end = q + Math.min(groupLen - (c - g * groupLen), cTo - c);
                c += end - q;
                do {
                    FloatVector u = FloatVector.fromArray(SPECIES, w, wq);
                    a0 = u.fma(FloatVector.broadcast(SPECIES, x[q]), a0);
                    a1 = u.fma(FloatVector.broadcast(SPECIES, x[q + s1]), a1);
                    a2 = u.fma(FloatVector.broadcast(SPECIES, x[q + s2]), a2);
                    a3 = u.fma(FloatVector.broadcast(SPECIES, x[q + s3]), a3);
                    a4 = u.fma(FloatVector.broadcast(SPECIES, x[q + s4]), a4);
                    a5 = u.fma(FloatVector.broadcast(SPECIES, x[q + s5]), a5);
                    a6 = u.fma(FloatVector.broadcast(SPECIES, x[q + s6]), a6);
                    wq += LANES;
                } while (++q < end);
                g++;
                q = x0 + g * groupStep;
            } while (c < cTo);
        }
        a0.intoArray(out, o0);
        a1.intoArray(out, o0 + LANES);
        a2.intoArray(out, o0 + 2 * LANES);
        a3.intoArray(out, o0 + 3 * LANES);
        a4.intoArray(out, o0 + 4 * LANES);
        a5.intoArray(out, o0 + 5 * LANES);
        a6.intoArray(out, o0 + 6 * LANES);
    }

    /**
     * One output pixel of {@code blocks} (1 or 2) blocks: rows narrower than a strip. Weights of the pair
     * {@code blocks·LANES} wide.
     */
    static void pixel(float[] x, int x0, int groupLen, int groupStep, int cFrom, int cTo, float[] w, int wq0, int blocks, float[] out, int o0,
            int o1) {
        FloatVector a = FloatVector.zero(SPECIES), c = a;
        int stride = blocks * LANES, wq = wq0;
        for (int ch = cFrom; ch < cTo; ch++, wq += stride) {
            FloatVector p = FloatVector.broadcast(SPECIES, x[x0 + ch / groupLen * groupStep + ch % groupLen]);
            a = FloatVector.fromArray(SPECIES, w, wq).fma(p, a);
            if (blocks == 2) {
                c = FloatVector.fromArray(SPECIES, w, wq + LANES).fma(p, c);
            }
        }
        a.intoArray(out, o0);
        if (blocks == 2) {
            c.intoArray(out, o1);
        }
    }

    /**
     * Stores {@code count} vectors of a K block's sums ({@code acc[a0 + p·LANES]}) as the GEMM's MicroKernel stores a K
     * block: the first block's plus the bias ({@code b} at {@code bAt}, null for none), a later one added to the value
     * stored before ({@code accumulate}); after the last block, if asked, the residual ({@code res[rAt + p·LANES]}, null
     * for none) is added and relu or clamp applied, with VectorEpilogue's operations. A loop of its own over arrays, with
     * no helper taking vectors: when the strip kernels did this, or called a helper C2 did not inline, C2 boxed the
     * accumulators (8-40x slower, depending on the order of compilation).
     */
    static void store(float[] acc, int a0, int count, float[] b, int bAt, boolean accumulate, int act, float lo, float hi, float[] res, int rAt,
            float[] out, int oAt) {
        FloatVector bias = !accumulate && b != null ? FloatVector.fromArray(SPECIES, b, bAt) : null;
        FloatVector zero = FloatVector.zero(SPECIES), low = FloatVector.broadcast(SPECIES, lo), high = FloatVector.broadcast(SPECIES, hi);
        for (int p = 0; p < count; p++) {
            int o = oAt + p * LANES;
            FloatVector v = FloatVector.fromArray(SPECIES, acc, a0 + p * LANES);
            if (accumulate) {
                v = v.add(FloatVector.fromArray(SPECIES, out, o));
            } else if (bias != null) {
                v = v.add(bias);
            }
            if (res != null) {
                v = v.add(FloatVector.fromArray(SPECIES, res, rAt + p * LANES));
            }
            if (act == RELU) {
                v = v.blend(zero, v.compare(VectorOperators.LT, 0f));  // v < 0 ? 0 : v
            } else if (act == CLAMP) {
                v = v.blend(low, v.compare(VectorOperators.LT, low));   // C++ max(v, lo) = v < lo ? lo : v
                v = v.blend(high, high.compare(VectorOperators.LT, v)); // C++ min(v, hi) = hi < v ? hi : v
            }
            v.intoArray(out, o);
        }
    }
}
