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
 * <p>The accumulators start at the packed bias; at the end, if {@code act} says so, the residual (vectors at
 * {@code res[r0 + p·LANES]}) is added and relu ({@link #RELU}) or clamp ({@link #CLAMP}) applied in registers, with
 * the reference's operations ({@code VectorEpilogue}'s bits); then pixel p of block 0 is stored at
 * {@code out[o0 + p·LANES]} (block 1 at {@code o1}). Summation order per output: bias, then input channel 0, 1, ...,
 * one FMA each, whatever the layouts, so every layout combination gives the same bits.
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
    /** What the kernel applies after the sum (else only the bias): nothing more, relu, clamp(lo, hi); plus the residual if res != null. */
    static final int NONE = 0, RELU = 1, CLAMP = 2;

    private PointwiseStrips() {
    }

    static void two(float[] x, int x0, int ps, int groupLen, int groupStep, int cIn, float[] w, int wq0, float[] b, int b0,
            float[] out, int o0, int o1, float[] res, int r0, int r1, int act, float lo, float hi) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1, c6 = bias1;
        int s1 = ps, s2 = 2 * ps, s3 = 3 * ps, s4 = 4 * ps, s5 = 5 * ps, s6 = 6 * ps;
        int groups = (cIn + groupLen - 1) / groupLen;
        int wq = wq0;
        if (cIn > 0) {
            int g = 0;
            do {
                int q = x0 + g * groupStep, end = q + Math.min(groupLen, cIn - g * groupLen);
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
            } while (++g < groups);
        }
        finish(a0, act, lo, hi, res, r0).intoArray(out, o0);
        finish(a1, act, lo, hi, res, r0 + LANES).intoArray(out, o0 + LANES);
        finish(a2, act, lo, hi, res, r0 + 2 * LANES).intoArray(out, o0 + 2 * LANES);
        finish(a3, act, lo, hi, res, r0 + 3 * LANES).intoArray(out, o0 + 3 * LANES);
        finish(a4, act, lo, hi, res, r0 + 4 * LANES).intoArray(out, o0 + 4 * LANES);
        finish(a5, act, lo, hi, res, r0 + 5 * LANES).intoArray(out, o0 + 5 * LANES);
        finish(a6, act, lo, hi, res, r0 + 6 * LANES).intoArray(out, o0 + 6 * LANES);
        finish(c0, act, lo, hi, res, r1).intoArray(out, o1);
        finish(c1, act, lo, hi, res, r1 + LANES).intoArray(out, o1 + LANES);
        finish(c2, act, lo, hi, res, r1 + 2 * LANES).intoArray(out, o1 + 2 * LANES);
        finish(c3, act, lo, hi, res, r1 + 3 * LANES).intoArray(out, o1 + 3 * LANES);
        finish(c4, act, lo, hi, res, r1 + 4 * LANES).intoArray(out, o1 + 4 * LANES);
        finish(c5, act, lo, hi, res, r1 + 5 * LANES).intoArray(out, o1 + 5 * LANES);
        finish(c6, act, lo, hi, res, r1 + 6 * LANES).intoArray(out, o1 + 6 * LANES);
    }

    /** {@link #two} for the last block of an odd block count: weights [cIn][lane]. */
    static void one(float[] x, int x0, int ps, int groupLen, int groupStep, int cIn, float[] w, int wq0, float[] b, int b0,
            float[] out, int o0, float[] res, int r0, int act, float lo, float hi) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0, a6 = bias0;
        int s1 = ps, s2 = 2 * ps, s3 = 3 * ps, s4 = 4 * ps, s5 = 5 * ps, s6 = 6 * ps;
        int groups = (cIn + groupLen - 1) / groupLen;
        int wq = wq0;
        if (cIn > 0) {
            int g = 0;
            do {
                int q = x0 + g * groupStep, end = q + Math.min(groupLen, cIn - g * groupLen);
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
            } while (++g < groups);
        }
        finish(a0, act, lo, hi, res, r0).intoArray(out, o0);
        finish(a1, act, lo, hi, res, r0 + LANES).intoArray(out, o0 + LANES);
        finish(a2, act, lo, hi, res, r0 + 2 * LANES).intoArray(out, o0 + 2 * LANES);
        finish(a3, act, lo, hi, res, r0 + 3 * LANES).intoArray(out, o0 + 3 * LANES);
        finish(a4, act, lo, hi, res, r0 + 4 * LANES).intoArray(out, o0 + 4 * LANES);
        finish(a5, act, lo, hi, res, r0 + 5 * LANES).intoArray(out, o0 + 5 * LANES);
        finish(a6, act, lo, hi, res, r0 + 6 * LANES).intoArray(out, o0 + 6 * LANES);
    }

    /**
     * One output pixel of {@code blocks} (1 or 2) blocks: rows narrower than a strip. Weights of the pair
     * {@code blocks·LANES} wide.
     */
    static void pixel(float[] x, int x0, int groupLen, int groupStep, int cIn, float[] w, int wq0, int blocks, float[] b, int b0,
            float[] out, int o0, int o1, float[] res, int r0, int r1, int act, float lo, float hi) {
        FloatVector a = FloatVector.fromArray(SPECIES, b, b0), c = blocks == 2 ? FloatVector.fromArray(SPECIES, b, b0 + LANES) : a;
        int stride = blocks * LANES, wq = wq0;
        for (int g = 0; g * groupLen < cIn; g++) {
            for (int q = x0 + g * groupStep, end = q + Math.min(groupLen, cIn - g * groupLen); q < end; q++, wq += stride) {
                FloatVector p = FloatVector.broadcast(SPECIES, x[q]);
                a = FloatVector.fromArray(SPECIES, w, wq).fma(p, a);
                if (blocks == 2) {
                    c = FloatVector.fromArray(SPECIES, w, wq + LANES).fma(p, c);
                }
            }
        }
        finish(a, act, lo, hi, res, r0).intoArray(out, o0);
        if (blocks == 2) {
            finish(c, act, lo, hi, res, r1).intoArray(out, o1);
        }
    }

    /** The residual add and the activation, as VectorEpilogue and Epilogue#apply compute them. */
    private static FloatVector finish(FloatVector v, int act, float lo, float hi, float[] res, int at) {
        if (res != null) {
            v = v.add(FloatVector.fromArray(SPECIES, res, at));
        }
        if (act == RELU) {
            v = v.blend(FloatVector.zero(SPECIES), v.compare(VectorOperators.LT, 0f)); // v < 0 ? 0 : v
        } else if (act == CLAMP) {
            FloatVector low = FloatVector.broadcast(SPECIES, lo), high = FloatVector.broadcast(SPECIES, hi);
            v = v.blend(low, v.compare(VectorOperators.LT, low));      // C++ max(v, lo) = v < lo ? lo : v
            v = v.blend(high, high.compare(VectorOperators.LT, v));    // C++ min(v, hi) = hi < v ? hi : v
        }
        return v;
    }
}
