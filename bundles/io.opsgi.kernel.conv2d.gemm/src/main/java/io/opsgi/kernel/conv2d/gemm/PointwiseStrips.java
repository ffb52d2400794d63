package io.opsgi.kernel.conv2d.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernels of the channel-blocked 1x1 conv ({@link PointwiseBlocked}): a strip of
 * {@link #pixels} output pixels of one row times one or two blocks of output channels, each accumulator one vector
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
 * nested do-while loops. One subclass per strip width, generated from {@code src/build/PointwiseStrips.template} by
 * {@code bundles/build/Unroll.java} (the pom's {@code unroll.widths}).
 */
abstract class PointwiseStrips {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final int PAIR = 2 * LANES;
    /** The widest strip (7 divides every ResNet and MobileNet width: 112, 56, 28, 14, 7), for scratch sizes. */
    static final int WIDEST = 7;

    /** Pixels per strip. */
    final int pixels;

    PointwiseStrips(int pixels) {
        this.pixels = pixels;
    }

    /** Two blocks: input channels [cFrom, cTo) of the strip's pixels, {@code ps} apart (see the class comment). */
    abstract void two(float[] x, int x0, int ps, int groupLen, int groupStep, int cFrom, int cTo, float[] w, int wq0, float[] out, int o0,
            int o1);

    /**
     * {@link #two} on a blocked input at stride 1 (groups of LANES channels {@code blockStep} apart, pixels LANES apart): the
     * pixel offsets are constants, not {@code pixels} run-time values the loop must keep.
     */
    abstract void twoBlocked(float[] x, int x0, int blockStep, int cFrom, int cTo, float[] w, int wq0, float[] out, int o0, int o1);

    /**
     * {@link #twoBlocked} over all {@code cIn} input channels (one K block) finished in registers and stored into the output,
     * as {@link #store} finishes a last K block (so the same bits): plus the bias ({@code b[bAt..]}, {@link #NEG_ZEROS} for
     * none), plus the residual (block 0's pixel p at {@code r[r0 + p·LANES]}, block 1's at {@code r1}; {@link #NEG_ZEROS}
     * at 0 for none), then clamped to [lo, hi] ({@code bounds}; relu: [0, +inf]; none: [-inf, +inf]): adding -0.0 changes no
     * float. Skips the buffer and store's pass over it, which cost about as much as the sums on few input channels (measured
     * in docs/PERFORMANCE-LOG.md, 2026-12-08: 0.57-0.95 of the time on MobileNetV2's and SqueezeNet's 1x1 shapes).
     */
    abstract void twoBlockedFinal(float[] x, int x0, int blockStep, int cIn, float[] w, int wq0, float[] b, int bAt, float[] r, int r0,
            int r1, float[] bounds, float[] out, int o0, int o1);

    /** The bounds that clamp nothing: {@link #twoBlockedFinal}'s when no relu or clamp is fused. */
    static final float[] UNBOUNDED = bounds(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

    /** A clamp to [lo, hi] as {@link #twoBlockedFinal} and {@link #store} read it: LANES copies of lo, then LANES of hi (relu: [0, +inf]). */
    static float[] bounds(float lo, float hi) {
        float[] b = new float[2 * LANES];
        java.util.Arrays.fill(b, 0, LANES, lo);
        java.util.Arrays.fill(b, LANES, 2 * LANES, hi);
        return b;
    }

    /** -0.0, the float that adding changes nothing: the bias and residual of {@link #twoBlockedFinal} when there are none. */
    static final float[] NEG_ZEROS = negativeZeros(2 * WIDEST * LANES);

    private static float[] negativeZeros(int n) {
        float[] z = new float[n];
        java.util.Arrays.fill(z, -0f);
        return z;
    }

    /** {@link #two} for the last block of an odd block count: weights [cIn][lane]. */
    abstract void one(float[] x, int x0, int ps, int groupLen, int groupStep, int cFrom, int cTo, float[] w, int wq0, float[] out, int o0);

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
     * for none) is added and the clamp {@code bounds} ({@link #bounds}, null for none) applied, with VectorEpilogue's operations. A loop of its own over arrays, with
     * no helper taking vectors: when the strip kernels did this, or called a helper C2 did not inline, C2 boxed the
     * accumulators (8-40x slower, depending on the order of compilation).
     */
    static void store(float[] acc, int a0, int count, float[] b, int bAt, boolean accumulate, float[] bounds, float[] res, int rAt,
            float[] out, int oAt) {
        // No vector is null on any path: Temurin 25's C2 compiled nullable vector locals here into code that crashed the
        // JVM (SIGSEGV in this method, PointwiseBlockedTest). No bias adds -0.0 and no clamp is (-inf, +inf): both the
        // identity, bit for bit (-0.0 + -0.0 is -0.0; a NaN is neither below -inf nor above +inf).
        boolean addBias = !accumulate && b != null;
        FloatVector bias = FloatVector.fromArray(SPECIES, addBias ? b : NEG_ZEROS, addBias ? bAt : 0);
        float[] clamp = bounds == null ? UNBOUNDED : bounds;
        FloatVector low = FloatVector.fromArray(SPECIES, clamp, 0), high = FloatVector.fromArray(SPECIES, clamp, LANES);
        for (int p = 0; p < count; p++) {
            int o = oAt + p * LANES;
            FloatVector v = FloatVector.fromArray(SPECIES, acc, a0 + p * LANES);
            v = v.add(accumulate ? FloatVector.fromArray(SPECIES, out, o) : bias);
            if (res != null) {
                v = v.add(FloatVector.fromArray(SPECIES, res, rAt + p * LANES));
            }
            v = v.blend(low, v.compare(VectorOperators.LT, low));   // C++ max(v, lo) = v < lo ? lo : v (relu: lo 0)
            v = v.blend(high, high.compare(VectorOperators.LT, v)); // C++ min(v, hi) = hi < v ? hi : v
            v.intoArray(out, o);
        }
    }
}
