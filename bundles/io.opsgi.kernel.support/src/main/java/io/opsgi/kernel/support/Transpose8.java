package io.opsgi.kernel.support;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Transpose16} for 8 lanes (256-bit vectors, AVX2): an 8x8 float transpose in vector registers, three butterfly
 * stages (d = 4, 2, 1) of the same kind, for the layout changes where the channel blocks are 8 lanes wide.
 */
public final class Transpose8 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    /** Whether vectors are 256 bits (8 floats, the callers' block size). */
    public static final boolean AVAILABLE = FloatVector.SPECIES_PREFERRED.vectorBitSize() == 256;

    private static final VectorShuffle<Float> UP4 = Transpose16.up(S, 4), UP2 = Transpose16.up(S, 2), UP1 = Transpose16.up(S, 1);
    private static final VectorShuffle<Float> DOWN4 = Transpose16.down(S, 4), DOWN2 = Transpose16.down(S, 2), DOWN1 = Transpose16.down(S, 1);
    private static final VectorMask<Float> HIGH4 = Transpose16.high(S, 4), HIGH2 = Transpose16.high(S, 2), HIGH1 = Transpose16.high(S, 1);

    private Transpose8() {
    }

    /** {@code dst[rows[j] + i] = src[srcOff + i*srcStride + j]} for i, j in [0, 8). */
    public static void tile(float[] src, int srcOff, int srcStride, float[] dst, int[] rows) {
        FloatVector t;
        FloatVector r0 = FloatVector.fromArray(S, src, srcOff + 0 * srcStride);
        FloatVector r1 = FloatVector.fromArray(S, src, srcOff + 1 * srcStride);
        FloatVector r2 = FloatVector.fromArray(S, src, srcOff + 2 * srcStride);
        FloatVector r3 = FloatVector.fromArray(S, src, srcOff + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(S, src, srcOff + 4 * srcStride);
        FloatVector r5 = FloatVector.fromArray(S, src, srcOff + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(S, src, srcOff + 6 * srcStride);
        FloatVector r7 = FloatVector.fromArray(S, src, srcOff + 7 * srcStride);
        // rows i and i+4 swap their off-diagonal 4-lane blocks
        t = r0;
        r0 = t.blend(r4.rearrange(UP4), HIGH4);
        r4 = t.rearrange(DOWN4).blend(r4, HIGH4);
        t = r1;
        r1 = t.blend(r5.rearrange(UP4), HIGH4);
        r5 = t.rearrange(DOWN4).blend(r5, HIGH4);
        t = r2;
        r2 = t.blend(r6.rearrange(UP4), HIGH4);
        r6 = t.rearrange(DOWN4).blend(r6, HIGH4);
        t = r3;
        r3 = t.blend(r7.rearrange(UP4), HIGH4);
        r7 = t.rearrange(DOWN4).blend(r7, HIGH4);
        // rows i and i+2 swap their off-diagonal 2-lane blocks
        t = r0;
        r0 = t.blend(r2.rearrange(UP2), HIGH2);
        r2 = t.rearrange(DOWN2).blend(r2, HIGH2);
        t = r1;
        r1 = t.blend(r3.rearrange(UP2), HIGH2);
        r3 = t.rearrange(DOWN2).blend(r3, HIGH2);
        t = r4;
        r4 = t.blend(r6.rearrange(UP2), HIGH2);
        r6 = t.rearrange(DOWN2).blend(r6, HIGH2);
        t = r5;
        r5 = t.blend(r7.rearrange(UP2), HIGH2);
        r7 = t.rearrange(DOWN2).blend(r7, HIGH2);
        // rows i and i+1 swap their off-diagonal 1-lane blocks
        t = r0;
        r0 = t.blend(r1.rearrange(UP1), HIGH1);
        r1 = t.rearrange(DOWN1).blend(r1, HIGH1);
        t = r2;
        r2 = t.blend(r3.rearrange(UP1), HIGH1);
        r3 = t.rearrange(DOWN1).blend(r3, HIGH1);
        t = r4;
        r4 = t.blend(r5.rearrange(UP1), HIGH1);
        r5 = t.rearrange(DOWN1).blend(r5, HIGH1);
        t = r6;
        r6 = t.blend(r7.rearrange(UP1), HIGH1);
        r7 = t.rearrange(DOWN1).blend(r7, HIGH1);
        r0.intoArray(dst, rows[0]);
        r1.intoArray(dst, rows[1]);
        r2.intoArray(dst, rows[2]);
        r3.intoArray(dst, rows[3]);
        r4.intoArray(dst, rows[4]);
        r5.intoArray(dst, rows[5]);
        r6.intoArray(dst, rows[6]);
        r7.intoArray(dst, rows[7]);
    }
}
