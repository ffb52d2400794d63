package io.opsgi.kernel.pool2d.vector;

import io.opsgi.op.PoolGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * How the pooling kernels read one window tap, in one input row, for {@link #L} neighbouring
 * outputs {@code ow0 .. ow0+L-1} at once. The tap vector is read at the tap's input column
 * {@code c} for output ow0, and lane i holds input column {@code c + laneOffsets[i]}:
 * <ul>
 * <li>stride 1: one load; lane i is output ow0 + i;</li>
 * <li>stride 2: two loads, {@code c} and {@code c + L - 1}, zipped by a blend: the even lanes of the
 *     first hold outputs ow0 .. ow0+L/2-1, the odd lanes of the second outputs ow0+L/2 .. ow0+L-1.
 *     Every lane is used, and outputs are put back in order ({@link #inOrder}) once per L outputs
 *     rather than once per tap (on Java 17 a shuffle costs several instructions);</li>
 * <li>larger strides: a gather; lane i is output ow0 + i.</li>
 * </ul>
 *
 * <p>Lanes whose column lies outside {@code [0, W)} are replaced by a fill value ({@link #outside}),
 * -inf for max pooling (padding is never chosen, OPERATOR-SEMANTICS §3) and +0 for average pooling
 * (its sum starts at +0, so is never -0, and adding +0 leaves it unchanged, §4): one loop serves
 * every output, borders included. Loads read whole vectors in place; only rows whose reads would
 * leave the array are first copied ({@link WindowRows}).
 *
 * <p>Everything here that returns a vector is small and uses only the species below: the JIT must
 * inline it into the kernels' loops, or every vector would be boxed.
 */
final class RowTaps {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));
    static final int L = F.length();

    /** Stride 1: a plain load; stride 2: two loads zipped; otherwise a gather. */
    static final int CONTIGUOUS = 1, ZIPPED = 2, GATHERED = 3;

    private static final VectorMask<Float> ODD_F = VectorMask.fromLong(F, 0xAAAAAAAAAAAAAAAAL & ((1L << L) - 1));
    private static final VectorMask<Integer> ODD_I = VectorMask.fromLong(I, 0xAAAAAAAAAAAAAAAAL & ((1L << L) - 1));
    /** Output j of a zipped vector is in lane 2j (j < L/2) or 2(j - L/2) + 1. */
    private static final VectorShuffle<Float> UNZIP_F = VectorShuffle.fromOp(F, j -> j < L / 2 ? 2 * j : 2 * (j - L / 2) + 1);
    private static final VectorShuffle<Integer> UNZIP_I = VectorShuffle.fromOp(I, j -> j < L / 2 ? 2 * j : 2 * (j - L / 2) + 1);

    final int width;
    final int stride;
    /** {@link #CONTIGUOUS}, {@link #ZIPPED} or {@link #GATHERED}. */
    final int kind;
    /** The input column of lane i relative to the tap's column for output ow0. */
    final int[] laneOffsets;
    /** Reads reach this many floats before a row's first column ... */
    final int before;
    /** ... and end this many floats after it. */
    final int after;
    private final int arrayLength;

    RowTaps(PoolGeometry g, int arrayLength) {
        this.width = g.w();
        this.stride = g.strideW();
        this.kind = stride == 1 ? CONTIGUOUS : stride == 2 ? ZIPPED : GATHERED;
        this.arrayLength = arrayLength;
        this.laneOffsets = new int[L];
        for (int i = 0; i < L; i++) {
            laneOffsets[i] = kind == ZIPPED ? (i % 2 == 0 ? i : L - 1 + i) : i * stride;
        }
        int span = kind == ZIPPED ? 2 * L - 1 : laneOffsets[L - 1] + 1;
        int lastBlock = (g.ow() - 1) / L * L;
        this.before = g.padW();
        this.after = Math.max(lastBlock * stride - g.padW() + (g.kw() - 1) * g.dilationW() + span, roundUp(width));
    }

    /** Whether every tap of the row starting at {@code x[rowStart]} can be loaded from x itself. */
    boolean inPlace(int rowStart) {
        return rowStart - before >= 0 && rowStart <= arrayLength - after;
    }

    /** Whether one of the first {@code n} outputs of a vector read at column {@code c} reads outside [0, W). */
    boolean reachesOutside(int c, int n) {
        return c < 0 || c + (n - 1) * stride >= width;
    }

    /** The tap vector read at {@code src[at]}, see the class comment. */
    static FloatVector load(float[] src, int at, int kind, int[] laneOffsets) {
        return kind == ZIPPED ? zip(part(src, at, kind, laneOffsets), oddPart(src, at)) : part(src, at, kind, laneOffsets);
    }

    /**
     * The tap vector, or for stride 2 only the load whose even lanes it takes ({@link #oddPart} has
     * the odd ones): a sum or a maximum can run on both parts separately, lane by lane in the same
     * order, and zip them once per L outputs, which saves a blend per tap.
     */
    static FloatVector part(float[] src, int at, int kind, int[] laneOffsets) {
        return kind == GATHERED ? FloatVector.fromArray(F, src, at, laneOffsets, 0) : FloatVector.fromArray(F, src, at);
    }

    /** For stride 2, the load whose odd lanes the tap vector takes. */
    static FloatVector oddPart(float[] src, int at) {
        return FloatVector.fromArray(F, src, at + L - 1);
    }

    /** As {@link #part}, on an int array. */
    static IntVector part(int[] src, int at, int kind, int[] laneOffsets) {
        return kind == GATHERED ? IntVector.fromArray(I, src, at, laneOffsets, 0) : IntVector.fromArray(I, src, at);
    }

    /** As {@link #oddPart}, on an int array. */
    static IntVector oddPart(int[] src, int at) {
        return IntVector.fromArray(I, src, at + L - 1);
    }

    /** The even lanes of {@code even} with the odd lanes of {@code odd}. */
    static FloatVector zip(FloatVector even, FloatVector odd) {
        return even.blend(odd, ODD_F);
    }

    /** As {@link #zip}, for ints. */
    static IntVector zip(IntVector even, IntVector odd) {
        return even.blend(odd, ODD_I);
    }

    /** The outputs of a tap vector in order, output ow0 + i in lane i. */
    static FloatVector inOrder(FloatVector v, int kind) {
        return kind == ZIPPED ? v.rearrange(UNZIP_F) : v;
    }

    /** As {@link #inOrder}, for ints. */
    static IntVector inOrder(IntVector v, int kind) {
        return kind == ZIPPED ? v.rearrange(UNZIP_I) : v;
    }

    /** Lane i: {@code c + laneOffsets[i]}, the input column lane i reads for a tap read at column c. */
    static IntVector columns(int[] laneOffsets, int c) {
        // Loaded where it is used: a vector kept in a field, or made outside the hot loop, has no
        // exact type for the JIT, and every operation on it would become a call on a boxed vector.
        return IntVector.fromArray(I, laneOffsets, 0).add(c);
    }

    /** The lanes of a tap read at column c whose column lies outside [0, width). */
    static VectorMask<Float> outside(int[] laneOffsets, int c, int width) {
        IntVector cols = columns(laneOffsets, c);
        return cols.compare(VectorOperators.LT, 0).or(cols.compare(VectorOperators.GE, width)).cast(F);
    }

    /**
     * Stores the first {@code n} lanes of {@code v} at {@code y[off]}; {@code tail} is an L-float
     * scratch. (A masked store is no intrinsic on Java 17, and a call such as arraycopy inside the
     * kernels' loops would make the JIT spill their vectors.)
     */
    static void store(FloatVector v, float[] y, int off, int n, float[] tail) {
        if (n >= L) {
            v.intoArray(y, off);
        } else if (n > 0) {
            v.intoArray(tail, 0);
            for (int i = 0; i < n; i++) {
                y[off + i] = tail[i];
            }
        }
    }

    /** {@code n} rounded up to whole vectors. */
    static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }
}
