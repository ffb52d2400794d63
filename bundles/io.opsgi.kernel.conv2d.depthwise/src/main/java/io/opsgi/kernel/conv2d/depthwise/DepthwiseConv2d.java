package io.opsgi.kernel.conv2d.depthwise;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.PreparedConv;
import io.opsgi.kernel.support.VectorEpilogue;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.PreparedConv2d;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * Depthwise conv2d (groups = in_channels, any channel multiplier): each output channel o is a 2-D
 * correlation of input plane o / multiplier with its own kh x kw filter. There is no reduction over
 * channels to hand to a GEMM, so it runs directly on planes, vectorized along output rows.
 *
 * <p>Per input plane (tasks over image x channel): the plane is copied into a zero-padded,
 * stride-phased buffer ({@link DepthwiseLayout}), then every output vector of every output channel
 * that reads it is the sum over taps of a broadcast weight times one vector load. In general eight
 * output vectors are computed together ({@link #eight}: eight independent FMA chains hide the FMA
 * latency, one weight broadcast serves eight loads); 3x3 stride-1 filters stream down the rows
 * instead ({@link #threeByThree}: each input vector is loaded once for the three output rows it
 * feeds), and where their interior is at least two vectors wide they read the input plane itself, with
 * no copy ({@link #threeByThreeDirect}: interior strips plus scalar edge columns).
 *
 * <p>Prepared ({@link #prepare}): the weights are copied once, a call below {@link Parallel#INLINE_FLOPS} runs on
 * the calling thread alone, and the epilogue is applied to each
 * output plane right after it is computed, while it is still in L1. The prepared conv also reads and writes the
 * channel-blocked layout a network keeps between convs ({@link BlockedDepthwise}, multiplier 1).
 *
 * <p>Summation order: bias first, then taps row by row, one FMA (a single rounding) per term.
 * Results differ from the reference kernel within the conv2d tolerance.
 */
@Component(service = {Kernel.class, Conv2dKernel.class})
@KernelInfo(op = "conv2d", variant = "depthwise")
@ServiceRanking(300)
public final class DepthwiseConv2d implements Conv2dKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    /**
     * A vector's even lanes (0, 2, 4, ...) and odd lanes, each gathered into both halves. One-vector shuffles: the
     * two-vector {@code rearrange(shuffle, v)} of JDK 17 is not compiled to vector code (measured ~40x slower than a scalar copy).
     */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(S, i -> 2 * i % LANES),
            ODD_LANES = VectorShuffle.fromOp(S, i -> (2 * i + 1) % LANES);
    /** The upper half of the lanes. */
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << LANES / 2);
    /** Output vectors per call of {@link #eight}. */
    private static final int GROUP = 8;

    /** Plane buffers reused across calls and tasks: a task takes one, or allocates, and gives it back. */
    private final ConcurrentLinkedQueue<PlaneBuffer> buffers = new ConcurrentLinkedQueue<>();

    @Override
    public boolean supports(ConvGeometry g) {
        return g.groups() == g.cIn() && g.cIn() > 0 && new DepthwiseLayout(g, LANES).fitsInArrays();
    }

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        compute(g, x, w, bias, Epilogue.NONE, null, y);
    }

    @Override
    public PreparedConv2d prepare(ConvGeometry g, float[] w, float[] bias, Epilogue epilogue) {
        if (!supports(g)) {
            throw new IllegalArgumentException("depthwise conv2d computes groups = in_channels only, got " + g);
        }
        PreparedConv2d plain = PreparedConv.of(this, g, epilogue, () -> {
            float[] weights = w.clone(), b = bias == null ? null : bias.clone();
            return (x, residual, y) -> compute(g, x, weights, b, epilogue, residual, y);
        });
        return new BlockedDepthwise(this, plain, g, w, bias, epilogue);
    }

    private void compute(ConvGeometry g, float[] x, float[] w, float[] bias, Epilogue epilogue, float[] residual, float[] y) {
        if (!supports(g)) {
            throw new IllegalArgumentException("depthwise conv2d computes groups = in_channels only, got " + g);
        }
        if (g.n() == 0 || g.oh() == 0 || g.ow() == 0) {
            return;
        }
        DepthwiseLayout lay = new DepthwiseLayout(g, LANES);
        int[] tapOffset = new int[lay.taps];
        for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
                tapOffset[i * g.kw() + j] = lay.tapOffset(i, j);
            }
        }
        if (lay.readsInputDirectly) {
            Parallel.forRange(g.n() * g.cIn(), 1, (from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    int n = plane / g.cIn(), c = plane % g.cIn(), xPlane = plane * g.h() * g.w();
                    for (int m = 0; m < lay.multiplier; m++) {
                        int o = c * lay.multiplier + m, yPlane = (n * g.cOut() + o) * g.oh() * g.ow();
                        float b = bias == null ? 0f : bias[o];
                        threeByThreeDirect(lay, x, xPlane, w, o * 9, b, y, yPlane);
                        VectorEpilogue.apply(epilogue, y, yPlane, g.oh() * g.ow(), o, residual);
                    }
                }
            });
            return;
        }
        Vectors vectors = lay.threeByThree ? null : new Vectors(lay);
        Parallel.forRange(g.n() * g.cIn(), 1, (from, to) -> {
            PlaneBuffer held = buffers.poll();
            if (held == null || held.data.length < lay.bufferSize()) {
                held = new PlaneBuffer(new float[lay.bufferSize()]);
            }
            // Only the interior changes from plane to plane: the zero border is written once per buffer and layout.
            if (!lay.sameBuffer(held.layout)) {
                Arrays.fill(held.data, 0, lay.bufferSize(), 0f);
                held.layout = lay;
            }
            float[] buffer = held.data, out = new float[LANES];
            try {
                for (int plane = from; plane < to; plane++) {
                    fillInterior(lay, x, plane, buffer);
                    int n = plane / g.cIn(), c = plane % g.cIn();
                    for (int m = 0; m < lay.multiplier; m++) {
                        int o = c * lay.multiplier + m, yPlane = (n * g.cOut() + o) * g.oh() * g.ow();
                        float b = bias == null ? 0f : bias[o];
                        if (lay.threeByThree) {
                            for (int col = 0; col < g.ow(); col += 2 * LANES) {
                                threeByThree(buffer, col, lay.rowLength, g.oh(), w, o * 9, b, y, yPlane, g.ow(), out);
                            }
                        } else {
                            outputPlane(vectors, buffer, tapOffset, w, o * lay.taps, b, y, yPlane, out);
                        }
                        VectorEpilogue.apply(epilogue, y, yPlane, g.oh() * g.ow(), o, residual);
                    }
                }
            } finally {
                buffers.offer(held);
            }
        });
    }

    /**
     * One output plane at {@code y[yPlane..]}, eight output vectors at a time. {@code vectors} lists,
     * per output vector, its buffer base (tap (0, 0) of lane 0), its offset in the output plane and
     * how many of its lanes are real columns; it is padded to a multiple of eight with lanes = 0.
     */
    private static void outputPlane(Vectors vectors, float[] buffer, int[] tapOffset, float[] w, int wOff, float bias, float[] y,
            int yPlane, float[] out) {
        for (int v = 0; v < vectors.count; v += GROUP) {
            eight(buffer, vectors, v, tapOffset, w, wOff, bias, y, yPlane, out);
        }
    }

    /**
     * Output vectors {@code v..v+7} of {@code vectors}: bias plus, per tap, the tap's weight times the
     * vector at {@code base + tapOffset[t]}; stored into the output plane at {@code y[yPlane..]}.
     * The tap loop is a do-while: OpenJDK 17's C2 boxes vectors carried by a for loop nested in
     * another loop (see the blocked conv2d module's README), and there is always at least one tap.
     */
    private static void eight(float[] buf, Vectors vectors, int v, int[] tapOffset, float[] w, int wOff, float bias, float[] y, int yPlane,
            float[] out) {
        int[] base = vectors.base;
        int b0 = base[v], b1 = base[v + 1], b2 = base[v + 2], b3 = base[v + 3];
        int b4 = base[v + 4], b5 = base[v + 5], b6 = base[v + 6], b7 = base[v + 7];
        FloatVector a0 = FloatVector.broadcast(S, bias), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int taps = tapOffset.length, t = 0;
        do {
            int off = tapOffset[t];
            FloatVector wt = FloatVector.broadcast(S, w[wOff + t]);
            a0 = FloatVector.fromArray(S, buf, b0 + off).fma(wt, a0);
            a1 = FloatVector.fromArray(S, buf, b1 + off).fma(wt, a1);
            a2 = FloatVector.fromArray(S, buf, b2 + off).fma(wt, a2);
            a3 = FloatVector.fromArray(S, buf, b3 + off).fma(wt, a3);
            a4 = FloatVector.fromArray(S, buf, b4 + off).fma(wt, a4);
            a5 = FloatVector.fromArray(S, buf, b5 + off).fma(wt, a5);
            a6 = FloatVector.fromArray(S, buf, b6 + off).fma(wt, a6);
            a7 = FloatVector.fromArray(S, buf, b7 + off).fma(wt, a7);
        } while (++t < taps);
        store(a0, vectors, v, y, yPlane, out);
        store(a1, vectors, v + 1, y, yPlane, out);
        store(a2, vectors, v + 2, y, yPlane, out);
        store(a3, vectors, v + 3, y, yPlane, out);
        store(a4, vectors, v + 4, y, yPlane, out);
        store(a5, vectors, v + 5, y, yPlane, out);
        store(a6, vectors, v + 6, y, yPlane, out);
        store(a7, vectors, v + 7, y, yPlane, out);
    }

    /** Output vector v of {@code vectors} into the output plane at {@code y[yPlane..]} (nothing for padding entries). */
    private static void store(FloatVector a, Vectors vectors, int v, float[] y, int yPlane, float[] out) {
        store(a, vectors.lanes[v], y, yPlane + vectors.offset[v], out);
    }

    /**
     * 3x3, stride 1, dilation 1: output columns {@code [col, col + 2·LANES)} of every output row, by
     * streaming down the input rows. Input row q (buffer row q) is loaded once per tap column and
     * feeds output rows q (kernel row 0), q-1 (row 1) and q-2 (row 2); row q-2 is then complete and
     * stored. A third of a load per FMA, where {@link #eight} needs one. Same summation order as
     * {@link #eight}: bias, then the taps row by row. One do-while loop carries the accumulators.
     */
    private static void threeByThree(float[] buf, int col, int rowLength, int oh, float[] w, int wOff, float bias, float[] y, int yPlane,
            int ow, float[] out) {
        FloatVector w00 = FloatVector.broadcast(S, w[wOff]), w01 = FloatVector.broadcast(S, w[wOff + 1]);
        FloatVector w02 = FloatVector.broadcast(S, w[wOff + 2]), w10 = FloatVector.broadcast(S, w[wOff + 3]);
        FloatVector w11 = FloatVector.broadcast(S, w[wOff + 4]), w12 = FloatVector.broadcast(S, w[wOff + 5]);
        FloatVector w20 = FloatVector.broadcast(S, w[wOff + 6]), w21 = FloatVector.broadcast(S, w[wOff + 7]);
        FloatVector w22 = FloatVector.broadcast(S, w[wOff + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        int lanes0 = Math.min(LANES, ow - col), lanes1 = Math.min(LANES, ow - col - LANES);
        // At input row q: low* is output row q-2 with kernel rows 0-1 summed, mid* is row q-1 with row 0.
        FloatVector mid0 = b, mid1 = b, low0 = b, low1 = b;
        int q = 0, at = col, rows = oh + 2;
        do {
            FloatVector x0 = FloatVector.fromArray(S, buf, at), x1 = FloatVector.fromArray(S, buf, at + 1);
            FloatVector x2 = FloatVector.fromArray(S, buf, at + 2);
            FloatVector done0 = x2.fma(w22, x1.fma(w21, x0.fma(w20, low0)));
            low0 = x2.fma(w12, x1.fma(w11, x0.fma(w10, mid0)));
            mid0 = x2.fma(w02, x1.fma(w01, x0.fma(w00, b)));
            x0 = FloatVector.fromArray(S, buf, at + LANES);
            x1 = FloatVector.fromArray(S, buf, at + LANES + 1);
            x2 = FloatVector.fromArray(S, buf, at + LANES + 2);
            FloatVector done1 = x2.fma(w22, x1.fma(w21, x0.fma(w20, low1)));
            low1 = x2.fma(w12, x1.fma(w11, x0.fma(w10, mid1)));
            mid1 = x2.fma(w02, x1.fma(w01, x0.fma(w00, b)));
            if (q >= 2) { // output row q-2 is complete
                int row = yPlane + (q - 2) * ow + col;
                store(done0, lanes0, y, row, out);
                store(done1, lanes1, y, row + LANES, out);
            }
            at += rowLength;
        } while (++q < rows);
    }

    /**
     * One 3x3, stride-1, dilation-1 output plane straight from the input plane, without a padded copy:
     * the interior columns {@code [interiorFirst, interiorEnd)} (whose taps all lie inside the input
     * columns) by column strips of two vectors ({@link #threeByThreeStrip}), the last strip moved left
     * to end at {@code interiorEnd} (it computes a few columns again, to the same values); the border
     * columns one by one ({@link #edgeColumn}). Same summation order as {@link #threeByThree}, and the
     * same terms: padding contributes {@code 0·w} FMAs there too, so results are bit for bit those of
     * the buffered path.
     */
    private static void threeByThreeDirect(DepthwiseLayout lay, float[] x, int xPlane, float[] w, int wOff, float bias, float[] y,
            int yPlane) {
        ConvGeometry g = lay.g;
        int first = lay.interiorFirst, end = lay.interiorEnd;
        for (int col = first; ; col += 2 * LANES) {
            int at = Math.min(col, end - 2 * LANES);
            threeByThreeStrip(x, xPlane, g.h(), g.w(), g.padTop(), at - g.padLeft(), g.oh(), w, wOff, bias, y, yPlane + at, g.ow());
            if (at + 2 * LANES >= end) {
                break;
            }
        }
        for (int oc = 0; oc < first; oc++) {
            edgeColumn(g, x, xPlane, oc, w, wOff, bias, y, yPlane);
        }
        for (int oc = end; oc < g.ow(); oc++) {
            edgeColumn(g, x, xPlane, oc, w, wOff, bias, y, yPlane);
        }
    }

    /**
     * {@link #threeByThree} on the input plane itself: output columns {@code [col, col + 2·LANES)} of every
     * output row, reading input columns from {@code ic} (all inside the plane); padded rows above and
     * below the input are zero vectors.
     */
    private static void threeByThreeStrip(float[] x, int xPlane, int h, int wd, int padTop, int ic, int oh, float[] w, int wOff, float bias,
            float[] y, int yCol, int ow) {
        FloatVector w00 = FloatVector.broadcast(S, w[wOff]), w01 = FloatVector.broadcast(S, w[wOff + 1]);
        FloatVector w02 = FloatVector.broadcast(S, w[wOff + 2]), w10 = FloatVector.broadcast(S, w[wOff + 3]);
        FloatVector w11 = FloatVector.broadcast(S, w[wOff + 4]), w12 = FloatVector.broadcast(S, w[wOff + 5]);
        FloatVector w20 = FloatVector.broadcast(S, w[wOff + 6]), w21 = FloatVector.broadcast(S, w[wOff + 7]);
        FloatVector w22 = FloatVector.broadcast(S, w[wOff + 8]);
        FloatVector b = FloatVector.broadcast(S, bias), zero = FloatVector.zero(S);
        FloatVector mid0 = b, mid1 = b, low0 = b, low1 = b;
        int q = 0, rows = oh + 2, at = xPlane + (0 - padTop) * wd + ic;
        do {
            FloatVector x0, x1, x2, x3, x4, x5;
            int r = q - padTop;
            if (r >= 0 && r < h) {
                x0 = FloatVector.fromArray(S, x, at);
                x1 = FloatVector.fromArray(S, x, at + 1);
                x2 = FloatVector.fromArray(S, x, at + 2);
                x3 = FloatVector.fromArray(S, x, at + LANES);
                x4 = FloatVector.fromArray(S, x, at + LANES + 1);
                x5 = FloatVector.fromArray(S, x, at + LANES + 2);
            } else {
                x0 = zero;
                x1 = zero;
                x2 = zero;
                x3 = zero;
                x4 = zero;
                x5 = zero;
            }
            FloatVector done0 = x2.fma(w22, x1.fma(w21, x0.fma(w20, low0)));
            low0 = x2.fma(w12, x1.fma(w11, x0.fma(w10, mid0)));
            mid0 = x2.fma(w02, x1.fma(w01, x0.fma(w00, b)));
            FloatVector done1 = x5.fma(w22, x4.fma(w21, x3.fma(w20, low1)));
            low1 = x5.fma(w12, x4.fma(w11, x3.fma(w10, mid1)));
            mid1 = x5.fma(w02, x4.fma(w01, x3.fma(w00, b)));
            if (q >= 2) { // output row q-2 is complete
                int row = yCol + (q - 2) * ow;
                done0.intoArray(y, row);
                done1.intoArray(y, row + LANES);
            }
            at += wd;
        } while (++q < rows);
    }

    /**
     * Output column {@code oc} of a 3x3, stride-1, dilation-1 plane, one element at a time, testing each
     * tap against the input bounds (outside: a zero term, as the padded buffer gives). Summation order of
     * {@link #threeByThree}: bias, then the taps row by row, one FMA each.
     */
    static void edgeColumn(ConvGeometry g, float[] x, int xPlane, int oc, float[] w, int wOff, float bias, float[] y, int yPlane) {
        int h = g.h(), wd = g.w(), ow = g.ow();
        for (int oh = 0; oh < g.oh(); oh++) {
            float acc = bias;
            for (int i = 0; i < 3; i++) {
                int r = oh + i - g.padTop();
                for (int j = 0; j < 3; j++) {
                    int c = oc + j - g.padLeft();
                    float v = r >= 0 && r < h && c >= 0 && c < wd ? x[xPlane + r * wd + c] : 0f;
                    acc = Math.fma(v, w[wOff + i * 3 + j], acc);
                }
            }
            y[yPlane + oh * ow + oc] = acc;
        }
    }

    /**
     * The first {@code lanes} lanes of {@code a} to {@code y[at..]}: a plain store when all are real
     * columns, else through {@code out}, copied lane by lane (System.arraycopy right after the vector
     * store cost 50 ns a call, 3x the whole kernel on 56-wide rows).
     */
    private static void store(FloatVector a, int lanes, float[] y, int at, float[] out) {
        if (lanes == LANES) {
            a.intoArray(y, at);
        } else if (lanes > 0) {
            a.intoArray(out, 0);
            for (int l = 0; l < lanes; l++) {
                y[at + l] = out[l];
            }
        }
    }

    /** The output vectors of one plane (the same for every plane of a call), padded to a multiple of {@link #GROUP}. */
    private static final class Vectors {
        final int count;
        final int[] base, offset, lanes;

        Vectors(DepthwiseLayout lay) {
            count = (lay.vectors + GROUP - 1) / GROUP * GROUP;
            base = new int[count];
            offset = new int[count];
            lanes = new int[count];
            int v = 0;
            for (int oh = 0; oh < lay.g.oh(); oh++) {
                for (int ow0 = 0; ow0 < lay.g.ow(); ow0 += LANES, v++) {
                    base[v] = oh * lay.g.strideH() * lay.rowLength + ow0;
                    offset[v] = oh * lay.g.ow() + ow0;
                    lanes[v] = Math.min(LANES, lay.g.ow() - ow0);
                }
            }
            for (; v < count; v++) {
                base[v] = base[lay.vectors - 1]; // computed again, not stored
            }
        }
    }

    /**
     * Input plane {@code plane} (n·cIn + c) into the interior of the padded, stride-phased buffer,
     * whose border (the positions outside the input) must already be zero.
     */
    private static void fillInterior(DepthwiseLayout lay, float[] x, int plane, float[] buf) {
        ConvGeometry g = lay.g;
        int h = g.h(), wd = g.w(), s = g.strideW(), left = g.padLeft(), phaseLen = lay.phaseLength;
        for (int ih = 0; ih < h; ih++) {
            int dst = (ih + g.padTop()) * lay.rowLength, src = (plane * h + ih) * wd;
            if (s == 1) {
                System.arraycopy(x, src, buf, dst + left, wd);
                continue;
            }
            if (s == 2 && wd >= 2 * LANES) {
                deinterleave(x, src, wd, left, buf, dst, phaseLen);
                continue;
            }
            for (int p = 0; p < s; p++) {
                int q0 = lay.phaseFirst[p], q1 = lay.phaseEnd[p];
                int at = dst + p * phaseLen;
                for (int q = q0, col = q0 * s + p - left; q < q1; q++, col += s) {
                    buf[at + q] = x[src + col];
                }
            }
        }
    }

    /**
     * One input row of {@code wd >= 2·LANES} columns into its two stride phases: input column c goes to padded column
     * c + left, that is phase (c + left) mod 2 at q = (c + left) div 2. Two vectors of columns at a time split
     * into their even and odd lanes (a shuffle of each and a blend), the last pair moved left to end at the
     * row's end (it writes a few values again, the same ones). Narrower rows stay on the scalar copy: masked
     * loads and stores instead measured 70x slower on JDK 17. The scalar copy of one float at a time was the larger part of
     * MobileNetV2's stride-2 depthwise convs.
     */
    private static void deinterleave(float[] x, int src, int wd, int left, float[] buf, int dst, int phaseLen) {
        int even = left, odd = left + 1; // padded columns of input columns 0 and 1
        for (int c0 = 0; ; c0 += 2 * LANES) {
            int c = Math.min(c0, wd - 2 * LANES);
            FloatVector v0 = FloatVector.fromArray(S, x, src + c), v1 = FloatVector.fromArray(S, x, src + c + LANES);
            int e = even + c, o = odd + c;
            v0.rearrange(EVEN_LANES).blend(v1.rearrange(EVEN_LANES), UPPER_HALF).intoArray(buf, dst + (e & 1) * phaseLen + (e >> 1));
            v0.rearrange(ODD_LANES).blend(v1.rearrange(ODD_LANES), UPPER_HALF).intoArray(buf, dst + (o & 1) * phaseLen + (o >> 1));
            if (c + 2 * LANES >= wd) {
                return;
            }
        }
    }

    /** A plane buffer and the layout whose zero border it holds (null: unknown). */
    private static final class PlaneBuffer {
        final float[] data;
        DepthwiseLayout layout;

        PlaneBuffer(float[] data) {
            this.data = data;
        }
    }
}
