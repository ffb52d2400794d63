package io.opsgi.kernel.conv2d.blocked;

import static io.opsgi.kernel.conv2d.blocked.Strips.LANES;
import static io.opsgi.kernel.conv2d.blocked.Strips.RUN;
import static io.opsgi.kernel.conv2d.blocked.Strips.SPECIES;
import static io.opsgi.kernel.conv2d.blocked.Strips.WINDOW;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Strips}' kernels with strips of 6 pixels, for machines with 16 vector registers (AVX2, 8 lanes): 7 pixels x 2 blocks
 * need 14 accumulators, 2 weight vectors and a broadcast, 17 registers, and C2 kept 3 of the accumulators on the stack,
 * loaded and stored in every iteration (read from its code). 6 x 2 needs 15. Measured in isolation (a strip's 3x3
 * reduction on L1/L2-resident data, CPU time, cIn 64 and 512): 7 x 2 39-42 GFLOP/s whatever the load, 6 x 2 up to
 * 86-89, the FMA loop 92. Same arguments, layouts and summation order as {@link Strips}' methods of the same names,
 * which call these when {@link Strips#PIXELS} is 6.
 */
final class Strips6 {
    private static final int PAIR = 2 * LANES;

    private Strips6() {
    }

    /** {@link Strips#twoBlocks} with 6 pixels. */
    static void twoBlocks(float[] x, int xBase, int step, int inner, int[] tapOffset, int t0, int t1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1;
        int s1 = step, s2 = 2 * step, s3 = 3 * step, s4 = 4 * step, s5 = 5 * step;
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
                } while (++c < inner);
            } while (++t < t1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
    }

    /** {@link Strips#oneBlock} with 6 pixels. */
    static void oneBlock(float[] x, int xBase, int step, int inner, int[] tapOffset, int t0, int t1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
        int s1 = step, s2 = 2 * step, s3 = 3 * step, s4 = 4 * step, s5 = 5 * step;
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
                } while (++c < inner);
            } while (++t < t1);
        }
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
    }

    /** {@link Strips#twoBlocksRows} with 6 pixels. */
    static void twoBlocksRows(float[] x, int x0, int rowStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1;
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
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
    }

    /** {@link Strips#oneBlockRows} with 6 pixels. */
    static void oneBlockRows(float[] x, int x0, int rowStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
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
    }

    /** {@link Strips#twoBlocksTaps} with 6 pixels. */
    static void twoBlocksTaps(float[] x, int x0, int rowStep, int taps, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float lo, float hi, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1;
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
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
    }

    /** {@link Strips#oneBlockTaps} with 6 pixels. */
    static void oneBlockTaps(float[] x, int x0, int rowStep, int taps, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float lo, float hi, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
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
        a0.intoArray(out, out0);
        a1.intoArray(out, out0 + LANES);
        a2.intoArray(out, out0 + 2 * LANES);
        a3.intoArray(out, out0 + 3 * LANES);
        a4.intoArray(out, out0 + 4 * LANES);
        a5.intoArray(out, out0 + 5 * LANES);
    }

    /** {@link Strips#twoBlocksBlocked} with 6 pixels. */
    static void twoBlocksBlocked(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1;
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
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
    }

    /** {@link Strips#oneBlockBlocked} with 6 pixels. */
    static void oneBlockBlocked(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
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
    }

    /** {@link Strips#twoBlocksBlockedS2} with 6 pixels. */
    static void twoBlocksBlockedS2(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0, int out1) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0), bias1 = FloatVector.fromArray(SPECIES, b, b0 + LANES);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
        FloatVector c0 = bias1, c1 = bias1, c2 = bias1, c3 = bias1, c4 = bias1, c5 = bias1;
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
        c0.intoArray(out, out1);
        c1.intoArray(out, out1 + LANES);
        c2.intoArray(out, out1 + 2 * LANES);
        c3.intoArray(out, out1 + 3 * LANES);
        c4.intoArray(out, out1 + 4 * LANES);
        c5.intoArray(out, out1 + 5 * LANES);
    }

    /** {@link Strips#oneBlockBlockedS2} with 6 pixels. */
    static void oneBlockBlockedS2(float[] x, int x0, int rowStep, int blockStep, int cIn, int kw, int i0, int i1, float[] w, int wPair,
            float[] b, int b0, float[] out, int out0) {
        FloatVector bias0 = FloatVector.fromArray(SPECIES, b, b0);
        FloatVector a0 = bias0, a1 = bias0, a2 = bias0, a3 = bias0, a4 = bias0, a5 = bias0;
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
    }
}
