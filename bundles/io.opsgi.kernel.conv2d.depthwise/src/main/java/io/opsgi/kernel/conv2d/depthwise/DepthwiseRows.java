package io.opsgi.kernel.conv2d.depthwise;

import io.opsgi.kernel.support.VectorEpilogue;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of the channel-blocked depthwise conv ({@link BlockedDepthwise}): one output row of one block of
 * {@link #L} channels, where one vector is {@code L} channels of one pixel, so each output vector is the sum over taps
 * of an input vector times that tap's weight vector (lanes are channels: no broadcast, no shuffle, any stride). Several
 * output columns are computed at once in registers, and the epilogue is applied to them right after their store, in L1.
 *
 * <p>Input pixel (row, col) of the block at {@code x[x0 + row·rowStep + col·L]} relative to the output row's first tap,
 * so the horizontal padding reads the layout's zero columns and the vertical padding is the clipped tap-row range
 * {@code [i0, i1)}. Output column p at {@code out[o0 + p·L]}, its residual (if the epilogue adds one) at
 * {@code res[r0 + p·L]}. {@code e} is null when there is nothing to apply in registers.
 *
 * <p>Summation order: bias, then the taps row by row, one FMA per term, as the NCHW path, whose padding adds
 * {@code 0·w} terms (no change to a sum); the bits are the same.
 *
 * <p>The loops carrying accumulators are do-while: OpenJDK 17's C2 boxes vectors carried by a for loop nested in
 * another loop (see the blocked conv2d module's README).
 */
final class DepthwiseRows {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private DepthwiseRows() {
    }

    /**
     * 3x3, stride 1, dilation 1: one output row of one channel block, 8 output columns at a time (the last 8 moved left to end
     * at {@code ow}, recomputing a few columns to the same values; needs {@code ow >= 8}). Per kernel row inside the input
     * ({@code [i0, i1)}, the rows above and below clipped) its three weight vectors are loaded once and the 10 input
     * vectors the 8 outputs read are each loaded once and used by every output that reads them.
     * Input pixel q of kernel row i at {@code x[x0 + i·rowStep + (p·1 + q)·L]} for output column p.
     */
    static void threeS1x8(float[] x, int x0, int rowStep, int i0, int i1, float[] w, int wAt, float[] biases, int k0, VectorEpilogue e,
            float[] scale, float[] shift, float[] res, int r0, float[] out, int o0, int ow) {
        FloatVector bias = FloatVector.fromArray(S, biases, k0);
        for (int c = 0; ; c += 8) {
            int p = Math.min(c, ow - 8);
            FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
            int i = i0;
            if (i < i1) {
                do {
                    int q = x0 + i * rowStep + p * L, wi = wAt + 3 * i * L;
                    FloatVector w0 = FloatVector.fromArray(S, w, wi), w1 = FloatVector.fromArray(S, w, wi + L), w2 = FloatVector.fromArray(S, w, wi + 2 * L);
                    FloatVector v;
                    v = FloatVector.fromArray(S, x, q);
                    a0 = v.fma(w0, a0);
                    v = FloatVector.fromArray(S, x, q + L);
                    a0 = v.fma(w1, a0); a1 = v.fma(w0, a1);
                    v = FloatVector.fromArray(S, x, q + 2 * L);
                    a0 = v.fma(w2, a0); a1 = v.fma(w1, a1); a2 = v.fma(w0, a2);
                    v = FloatVector.fromArray(S, x, q + 3 * L);
                    a1 = v.fma(w2, a1); a2 = v.fma(w1, a2); a3 = v.fma(w0, a3);
                    v = FloatVector.fromArray(S, x, q + 4 * L);
                    a2 = v.fma(w2, a2); a3 = v.fma(w1, a3); a4 = v.fma(w0, a4);
                    v = FloatVector.fromArray(S, x, q + 5 * L);
                    a3 = v.fma(w2, a3); a4 = v.fma(w1, a4); a5 = v.fma(w0, a5);
                    v = FloatVector.fromArray(S, x, q + 6 * L);
                    a4 = v.fma(w2, a4); a5 = v.fma(w1, a5); a6 = v.fma(w0, a6);
                    v = FloatVector.fromArray(S, x, q + 7 * L);
                    a5 = v.fma(w2, a5); a6 = v.fma(w1, a6); a7 = v.fma(w0, a7);
                    v = FloatVector.fromArray(S, x, q + 8 * L);
                    a6 = v.fma(w2, a6); a7 = v.fma(w1, a7);
                    v = FloatVector.fromArray(S, x, q + 9 * L);
                    a7 = v.fma(w2, a7);
                } while (++i < i1);
            }
            int o = o0 + p * L, r = r0 + p * L;

            a0.intoArray(out, o);
            a1.intoArray(out, o + L);
            a2.intoArray(out, o + 2 * L);
            a3.intoArray(out, o + 3 * L);
            a4.intoArray(out, o + 4 * L);
            a5.intoArray(out, o + 5 * L);
            a6.intoArray(out, o + 6 * L);
            a7.intoArray(out, o + 7 * L);
            if (e != null) {
                finish(e, scale, shift, k0, res, r, out, o, 8);
            }
            if (p + 8 >= ow) {
                return;
            }
        }
    }

    /**
     * 3x3, stride 2, dilation 1: one output row of one channel block, 8 output columns at a time (the last 8 moved left to end
     * at {@code ow}, recomputing a few columns to the same values; needs {@code ow >= 8}). Per kernel row inside the input
     * ({@code [i0, i1)}, the rows above and below clipped) its three weight vectors are loaded once and the 17 input
     * vectors the 8 outputs read are each loaded once and used by every output that reads them, with no shuffle: the stride only spaces the loads.
     * Input pixel q of kernel row i at {@code x[x0 + i·rowStep + (p·2 + q)·L]} for output column p.
     */
    static void threeS2x8(float[] x, int x0, int rowStep, int i0, int i1, float[] w, int wAt, float[] biases, int k0, VectorEpilogue e,
            float[] scale, float[] shift, float[] res, int r0, float[] out, int o0, int ow) {
        FloatVector bias = FloatVector.fromArray(S, biases, k0);
        for (int c = 0; ; c += 8) {
            int p = Math.min(c, ow - 8);
            FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
            int i = i0;
            if (i < i1) {
                do {
                    int q = x0 + i * rowStep + p * 2 * L, wi = wAt + 3 * i * L;
                    FloatVector w0 = FloatVector.fromArray(S, w, wi), w1 = FloatVector.fromArray(S, w, wi + L), w2 = FloatVector.fromArray(S, w, wi + 2 * L);
                    FloatVector v;
                    v = FloatVector.fromArray(S, x, q);
                    a0 = v.fma(w0, a0);
                    v = FloatVector.fromArray(S, x, q + L);
                    a0 = v.fma(w1, a0);
                    v = FloatVector.fromArray(S, x, q + 2 * L);
                    a0 = v.fma(w2, a0); a1 = v.fma(w0, a1);
                    v = FloatVector.fromArray(S, x, q + 3 * L);
                    a1 = v.fma(w1, a1);
                    v = FloatVector.fromArray(S, x, q + 4 * L);
                    a1 = v.fma(w2, a1); a2 = v.fma(w0, a2);
                    v = FloatVector.fromArray(S, x, q + 5 * L);
                    a2 = v.fma(w1, a2);
                    v = FloatVector.fromArray(S, x, q + 6 * L);
                    a2 = v.fma(w2, a2); a3 = v.fma(w0, a3);
                    v = FloatVector.fromArray(S, x, q + 7 * L);
                    a3 = v.fma(w1, a3);
                    v = FloatVector.fromArray(S, x, q + 8 * L);
                    a3 = v.fma(w2, a3); a4 = v.fma(w0, a4);
                    v = FloatVector.fromArray(S, x, q + 9 * L);
                    a4 = v.fma(w1, a4);
                    v = FloatVector.fromArray(S, x, q + 10 * L);
                    a4 = v.fma(w2, a4); a5 = v.fma(w0, a5);
                    v = FloatVector.fromArray(S, x, q + 11 * L);
                    a5 = v.fma(w1, a5);
                    v = FloatVector.fromArray(S, x, q + 12 * L);
                    a5 = v.fma(w2, a5); a6 = v.fma(w0, a6);
                    v = FloatVector.fromArray(S, x, q + 13 * L);
                    a6 = v.fma(w1, a6);
                    v = FloatVector.fromArray(S, x, q + 14 * L);
                    a6 = v.fma(w2, a6); a7 = v.fma(w0, a7);
                    v = FloatVector.fromArray(S, x, q + 15 * L);
                    a7 = v.fma(w1, a7);
                    v = FloatVector.fromArray(S, x, q + 16 * L);
                    a7 = v.fma(w2, a7);
                } while (++i < i1);
            }
            int o = o0 + p * L, r = r0 + p * L;

            a0.intoArray(out, o);
            a1.intoArray(out, o + L);
            a2.intoArray(out, o + 2 * L);
            a3.intoArray(out, o + 3 * L);
            a4.intoArray(out, o + 4 * L);
            a5.intoArray(out, o + 5 * L);
            a6.intoArray(out, o + 6 * L);
            a7.intoArray(out, o + 7 * L);
            if (e != null) {
                finish(e, scale, shift, k0, res, r, out, o, 8);
            }
            if (p + 8 >= ow) {
                return;
            }
        }
    }

    /**
     * Any kernel, stride and dilation, and 3x3 rows narrower than eight columns: one output row, four output columns at a time (the last four moved left to end at
     * {@code ow}), one column at a time if {@code ow < 4}. (A 3x3 copy of the eight-column kernels for four columns measured
     * twice as slow as this on 7-wide rows: C2 17 boxed its vectors, 800 KB allocated per call.) Tap t (row-major, {@code [t0, t1)} inside the input rows) of
     * output column p reads {@code x[x0 + tapOffset[t] + p·colStep]}, its weights at {@code w[wAt + t·L]}.
     */
    static void general(float[] x, int x0, int[] tapOffset, int t0, int t1, int colStep, float[] w, int wAt, float[] biases, int k0, VectorEpilogue e,
            float[] scale, float[] shift, float[] res, int r0, float[] out, int o0, int ow) {
        FloatVector bias = FloatVector.fromArray(S, biases, k0);
        if (ow < 4) {
            for (int p = 0; p < ow; p++) {
                FloatVector a = bias;
                int t = t0, at = x0 + p * colStep;
                if (t < t1) {
                    do {
                        a = FloatVector.fromArray(S, x, at + tapOffset[t]).fma(FloatVector.fromArray(S, w, wAt + t * L), a);
                    } while (++t < t1);
                }
                a.intoArray(out, o0 + p * L);
                if (e != null) {
                    finish(e, scale, shift, k0, res, r0 + p * L, out, o0 + p * L, 1);
                }
            }
            return;
        }
        for (int c = 0; ; c += 4) {
            int p = Math.min(c, ow - 4), at = x0 + p * colStep;
            FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias;
            int t = t0;
            if (t < t1) {
                do {
                    FloatVector wt = FloatVector.fromArray(S, w, wAt + t * L);
                    int q = at + tapOffset[t];
                    a0 = FloatVector.fromArray(S, x, q).fma(wt, a0);
                    a1 = FloatVector.fromArray(S, x, q + colStep).fma(wt, a1);
                    a2 = FloatVector.fromArray(S, x, q + 2 * colStep).fma(wt, a2);
                    a3 = FloatVector.fromArray(S, x, q + 3 * colStep).fma(wt, a3);
                } while (++t < t1);
            }
            int o = o0 + p * L, r = r0 + p * L;
            a0.intoArray(out, o);
            a1.intoArray(out, o + L);
            a2.intoArray(out, o + 2 * L);
            a3.intoArray(out, o + 3 * L);
            if (e != null) {
                finish(e, scale, shift, k0, res, r, out, o, 4);
            }
            if (p + 4 >= ow) {
                return;
            }
        }
    }

    /**
     * The epilogue on {@code count} output vectors just stored at {@code out[o..]} (still in L1), lanes of channels from
     * {@code k0}. A loop of its own rather than the epilogue on each accumulator before its store: inlined eight times
     * into the row kernels it passed C2's node budget (NodeCountInliningCutoff), and a call taking a vector boxes it.
     */
    private static void finish(VectorEpilogue e, float[] scale, float[] shift, int k0, float[] res, int r, float[] out, int o, int count) {
        FloatVector sc = FloatVector.fromArray(S, scale, k0), sh = FloatVector.fromArray(S, shift, k0);
        for (int k = 0; k < count; k++) {
            e.applyInRegisters(FloatVector.fromArray(S, out, o + k * L), sc, sh, res, r + k * L).intoArray(out, o + k * L);
        }
    }
}
