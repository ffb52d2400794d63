package io.opsgi.kernel.pool2d.vector;

import static io.opsgi.kernel.pool2d.vector.RowTaps.F;
import static io.opsgi.kernel.pool2d.vector.RowTaps.I;
import static io.opsgi.kernel.pool2d.vector.RowTaps.L;

import io.opsgi.kernel.support.Windows;
import io.opsgi.op.BlockedMaxPool2d;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * max_pool2d on the Vector API, bit-exact with the reference, indices included. Every geometry the
 * contract allows (padding, dilation, ceil_mode, any stride) runs here; output rows are spread
 * over {@code Parallel}'s threads. Each output row takes one of two paths:
 *
 * <ul>
 * <li><b>exact</b> ({@link #exactRow}): a vector of neighbouring outputs ({@link RowTaps}) visits
 *     their window taps in the reference's row-major order with the reference's rule, so every
 *     lane makes the same choices as {@code MaxScan}: replace on strict {@code >} (ties keep the
 *     first element, -0.0 and 0.0 included) or on NaN (NaN propagates, the last NaN's index wins).
 *     Padding lanes read -inf, which that rule never chooses. Used for indices, and for the rows
 *     the fast path cannot promise.</li>
 * <li><b>fast</b> ({@link #fastRows}, values only): floats are mapped to integers of the same order
 *     ({@link #key}), so the maximum is one integer instruction instead of a compare and a blend
 *     (on Java 17 a vector compare's mask makes a round trip through a vector register), and,
 *     being order-free, it is taken separably: first down the window rows at full width, then
 *     along the window columns. That equals the reference's choice unless two candidates tie with
 *     different bits, and the only such floats are -0.0 and 0.0: a row with a zero among its
 *     outputs is redone exactly if its window rows hold a -0.0 (after a relu most output rows
 *     have a +0.0 maximum, and redoing each of them made the pool several times slower; -0.0 is rare there). NaNs map above +inf, so a window with a NaN gives NaN, as the
 *     reference's does (its payload may differ, which the conformance suite does not compare).</li>
 * </ul>
 */
@Component(service = {Kernel.class, MaxPool2dKernel.class})
@KernelInfo(op = "max_pool2d", variant = "vector")
@ServiceRanking(100)
public final class VectorMaxPool2d implements MaxPool2dKernel {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    /** 2^23 - 1: how far {@link #key} turns the integer line. */
    private static final int NAN_TURN = (1 << 23) - 1;
    /** The key of -inf, the smallest: what padding reads. */
    private static final int KEY_NEG_INF = Integer.MIN_VALUE;
    /** The bits of -0.0, the smallest int. */
    private static final int NEGATIVE_ZERO_BITS = Float.floatToRawIntBits(-0.0f);
    /** Marks a lane whose window chose nothing (empty, or all -inf): its index is the window's first valid element. */
    private static final int NONE = -1;
    /**
     * 0, 1, ..., L-1: lane i is below n for the first n lanes. (Loaded where it is used; {@code indexInRange}
     * with a limit known only at run time is not compiled to vector code on Java 17.)
     */
    private static final int[] LANE_INDEX = java.util.stream.IntStream.range(0, L).toArray();

    @Override
    public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
        RowTaps taps = new RowTaps(g, x.length);
        OutputRows.forEach(g, (from, to) -> {
            Scratch s = new Scratch(taps, g.kh());
            if (indices == null && g.kw() == 3 && g.strideW() == 2 && g.dilationW() == 1) {
                threeByTwoRows(g, taps, x, y, from, to, s);
            } else if (indices == null) {
                fastRows(g, taps, x, y, from, to, s);
            } else {
                for (int r = from; r < to; r++) {
                    exactRow(g, taps, x, y, indices, r / g.oh(), r % g.oh(), s);
                }
            }
        });
    }

    /** Every geometry: values on channel blocks ({@link BlockedMaxPool}). */
    @Override
    public BlockedMaxPool2d blocked(PoolGeometry g) {
        return new BlockedMaxPool(this, g);
    }

    /** Per-thread buffers, made once per chunk of rows. */
    private static final class Scratch {
        final WindowRows rows;
        final float[] tail = new float[L];
        final int[] chosen = new int[L];
        /** The fast paths' running minimum of the bits read (the -0.0 test of {@link #columnMaxima}). */
        final int[] lowest = new int[L];
        /** The fast path's column maxima of one output row (as keys), with -inf keys around them for the padding. */
        final int[] columns;

        Scratch(RowTaps taps, int kh) {
            rows = new WindowRows(taps, kh);
            columns = new int[taps.before + taps.after + L];
            Arrays.fill(columns, KEY_NEG_INF);
        }
    }

    /**
     * Global output rows {@code [from, to)} by integer keys, values only; a row that produced a
     * zero is redone by {@link #exactRow} when its window rows hold a -0.0. One method for the whole range, as the per-row work is
     * small enough for a call per row to show.
     */
    private static void fastRows(PoolGeometry g, RowTaps taps, float[] x, float[] y, int from, int to, Scratch s) {
        int width = g.w(), dh = g.dilationH(), dw = g.dilationW(), kh = g.kh(), kw = g.kw();
        int strideH = g.strideH(), padH = g.padH(), stride = g.strideW(), padW = g.padW();
        int height = g.h(), outH = g.oh(), outW = g.ow();
        int kind = taps.kind;
        boolean zipped = kind == RowTaps.ZIPPED;
        int[] laneOffsets = taps.laneOffsets;
        int[] columns = s.columns;
        int pad = taps.before;
        int rowsEnd = to * outW;
        int plane = from / outH;
        for (int r = from, oh = from - plane * outH; r < to; r++, oh++) {
            if (oh == outH) {
                oh = 0;
                plane++;
            }
            int hs = Windows.start(oh, strideH, padH);
            s.rows.locate(taps, x, plane * height * width, width, Windows.firstInside(hs, dh), Windows.dilatedEnd(hs, kh, dh, height), dh);
            // 1. Down the window's rows.
            boolean negativeZero = columnMaxima(s.rows, width, columns, pad, s.lowest);
            // 2. Along the window's columns.
            int out = r * outW;
            boolean zero = false;
            for (int ow0 = 0; ow0 < outW; ow0 += L) {
                IntVector max = IntVector.broadcast(I, KEY_NEG_INF);
                IntVector maxOdd = max;
                for (int t = 0, at = pad + Windows.start(ow0, stride, padW); t < kw; t++, at += dw) {
                    max = max.max(RowTaps.part(columns, at, kind, laneOffsets));
                    if (zipped) {
                        maxOdd = maxOdd.max(RowTaps.oddPart(columns, at));
                    }
                }
                IntVector bits = unkey(RowTaps.inOrder(zipped ? RowTaps.zip(max, maxOdd) : max, kind));
                int n = Math.min(L, outW - ow0);
                if (out + ow0 + L <= rowsEnd) {
                    // whole vector: lanes past this row's end land on rows this loop writes next
                    bits.reinterpretAsFloats().intoArray(y, out + ow0);
                } else {
                    RowTaps.store(bits.reinterpretAsFloats(), y, out + ow0, n, s.tail);
                }
                zero |= anyZero(bits, n);
            }
            if (zero && negativeZero) {
                exactRow(g, taps, x, y, null, plane, oh, s);
            }
        }
    }

    /**
     * The maximum key of every input column of the window rows {@code rows} into {@code columns[pad ..]}, -inf keys after
     * them; returns whether the rows hold a -0.0 (the lanes read past their last column count too: a false alarm costs
     * only an exact redo). -0.0's bits are the smallest int, so a minimum of the bits tells; it passes through
     * {@code lowest} (L ints) between column vectors, as a vector carried by both loops would be boxed by Java 17's JIT.
     */
    private static boolean columnMaxima(WindowRows rows, int width, int[] columns, int pad, int[] lowest) {
        float[] src = rows.src;
        int first = rows.first, step = rows.step, count = rows.count;
        Arrays.fill(lowest, 0);
        for (int c = 0; c < width; c += L) {
            IntVector max = IntVector.broadcast(I, KEY_NEG_INF);
            IntVector low = IntVector.fromArray(I, lowest, 0);
            for (int i = 0, at = first + c; i < count; i++, at += step) {
                IntVector bits = FloatVector.fromArray(F, src, at).reinterpretAsInts();
                low = low.min(bits);
                max = max.max(key(bits));
            }
            max.intoArray(columns, pad + c);
            low.intoArray(lowest, 0);
        }
        // the last vector wrote past column W-1: those columns are padding again
        IntVector.broadcast(I, KEY_NEG_INF).intoArray(columns, pad + width);
        for (int v : lowest) {
            if (v == NEGATIVE_ZERO_BITS) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #fastRows} for windows 3 columns wide at column stride 2 (ResNet's stem pool), taking the
     * columns in pairs instead of as zipped taps: the keys read at a window start s and at s + 1,
     * maximised lane by lane, hold max(c[s+2j], c[s+2j+1]) and max(c[s+2j+1], c[s+2j+2]) in lanes 2j
     * and 2j+1; viewed as longs, one shift brings the pair together for one more maximum: output j's
     * window, in lane 2j (or, shifted the other way, in lane 2j+1 for the next L/2 outputs). Per L
     * outputs: four loads, four maxima, two shifts, one blend and one shuffle, against six loads, six
     * maxima, a blend and a shuffle (2026-12-06, 64x112x112 at one thread, same JVM: 0.18 ms of CPU
     * per call against 0.24).
     */
    private static void threeByTwoRows(PoolGeometry g, RowTaps taps, float[] x, float[] y, int from, int to, Scratch s) {
        int width = g.w(), dh = g.dilationH(), kh = g.kh();
        int strideH = g.strideH(), padH = g.padH(), padW = g.padW();
        int height = g.h(), outH = g.oh(), outW = g.ow();
        int[] columns = s.columns;
        int pad = taps.before;
        int rowsEnd = to * outW;
        int plane = from / outH;
        for (int r = from, oh = from - plane * outH; r < to; r++, oh++) {
            if (oh == outH) {
                oh = 0;
                plane++;
            }
            int hs = Windows.start(oh, strideH, padH);
            s.rows.locate(taps, x, plane * height * width, width, Windows.firstInside(hs, dh), Windows.dilatedEnd(hs, kh, dh, height), dh);
            boolean negativeZero = columnMaxima(s.rows, width, columns, pad, s.lowest);
            int out = r * outW;
            boolean zero = false;
            for (int ow0 = 0, at = pad - padW; ow0 < outW; ow0 += L, at += 2 * L) {
                // outputs ow0 .. ow0+L/2-1 in the even lanes, the next L/2 in the odd lanes: RowTaps' zipped order
                IntVector low = IntVector.fromArray(I, columns, at).max(IntVector.fromArray(I, columns, at + 1));
                low = low.max(low.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 32).reinterpretAsInts());
                IntVector high = IntVector.fromArray(I, columns, at + L).max(IntVector.fromArray(I, columns, at + L + 1));
                high = high.max(high.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 32).reinterpretAsInts());
                IntVector bits = unkey(RowTaps.inOrder(RowTaps.zip(low, high), RowTaps.ZIPPED));
                int n = Math.min(L, outW - ow0);
                if (out + ow0 + L <= rowsEnd) {
                    // whole vector: lanes past this row's end land on rows this loop writes next
                    bits.reinterpretAsFloats().intoArray(y, out + ow0);
                } else {
                    RowTaps.store(bits.reinterpretAsFloats(), y, out + ow0, n, s.tail);
                }
                zero |= anyZero(bits, n);
            }
            if (zero && negativeZero) {
                exactRow(g, taps, x, y, null, plane, oh, s);
            }
        }
    }

    /** Whether one of the first {@code n} lanes of {@code bits} is +0.0 or -0.0. */
    private static boolean anyZero(IntVector bits, int n) {
        // bits << 1 drops the sign: 0 exactly for the zeros; lanes past the row's end must not count
        VectorMask<Integer> zero = bits.lanewise(VectorOperators.LSHL, 1).compare(VectorOperators.EQ, 0);
        return (n < L ? zero.and(IntVector.fromArray(I, LANE_INDEX, 0).compare(VectorOperators.LT, n)) : zero).anyTrue();
    }

    /** Output row {@code oh} of {@code plane} by the reference's rule; also the flat indices {@code h*W + w} when {@code indices} is given. */
    private static void exactRow(PoolGeometry g, RowTaps taps, float[] x, float[] y, long[] indices, int plane, int oh, Scratch s) {
        int width = g.w(), kw = g.kw(), dh = g.dilationH(), dw = g.dilationW(), stride = g.strideW();
        int kind = taps.kind;
        int[] laneOffsets = taps.laneOffsets;
        // ATen: h0 = oh*s - p; h1 = min(h0 + (k-1)d + 1, H); then h0 steps by d into the input.
        int hs = Windows.start(oh, g.strideH(), g.padH());
        int h0 = Windows.firstInside(hs, dh);
        int h1 = Windows.dilatedEnd(hs, g.kh(), dh, g.h());
        int out = (plane * g.oh() + oh) * g.ow();
        s.rows.locate(taps, x, plane * g.h() * width, width, h0, h1, dh);
        float[] src = s.rows.src;
        int first = s.rows.first, step = s.rows.step, tapCount = s.rows.count * kw;
        for (int ow0 = 0; ow0 < g.ow(); ow0 += L) {
            int n = Math.min(L, g.ow() - ow0);
            int c0 = Windows.start(ow0, stride, g.padW());
            boolean border = taps.reachesOutside(c0, n) || taps.reachesOutside(c0 + (kw - 1) * dw, n);
            FloatVector max = FloatVector.broadcast(F, NEG_INF);
            IntVector at = IntVector.broadcast(I, NONE);
            // One loop over the window's taps in row-major order (h, t): Java 17's JIT boxes vectors
            // carried across two loop levels.
            for (int i = 0, t = 0, rowStart = first, rowIndex = h0 * width, c = c0; i < tapCount; i++) {
                FloatVector v = RowTaps.load(src, rowStart + c, kind, laneOffsets);
                if (border && taps.reachesOutside(c, n)) {
                    v = v.blend(NEG_INF, RowTaps.outside(laneOffsets, c, width));
                }
                VectorMask<Float> take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                max = max.blend(v, take);
                at = at.blend(RowTaps.columns(laneOffsets, rowIndex + c), take.cast(I));
                c += dw;
                if (++t == kw) {
                    t = 0;
                    c = c0;
                    rowStart += step;
                    rowIndex += dh * width;
                }
            }
            RowTaps.store(RowTaps.inOrder(max, kind), y, out + ow0, n, s.tail);
            if (indices != null) {
                RowTaps.inOrder(at, kind).intoArray(s.chosen, 0);
                for (int k = 0; k < n; k++) {
                    // Nothing chosen: ATen keeps the index of the window's first valid element (w0 as h0).
                    indices[out + ow0 + k] = s.chosen[k] != NONE ? s.chosen[k]
                            : (long) h0 * width + Windows.firstInside(Windows.start(ow0 + k, stride, g.padW()), dw);
                }
            }
        }
    }

    /**
     * A float's bits mapped to an int of the same order: a negative float's magnitude bits are
     * flipped ({@code b ^ ((b >> 31) >>> 1)}, which puts every float in signed-int order with the
     * NaNs whose sign bit is set just below -inf), then the line is turned by 2^23 - 1 so that those
     * NaNs wrap round to the top: -inf is Integer.MIN_VALUE, then the floats in order, -0.0 just
     * below +0.0, then +inf, then every NaN. So the maximum of keys is NaN if any tap is NaN, as the
     * reference's (its payload may differ, which the conformance suite does not compare).
     */
    private static IntVector key(IntVector bits) {
        return bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).sub(NAN_TURN);
    }

    /** The float bits of a key: the inverse of {@link #key}. */
    private static IntVector unkey(IntVector keys) {
        IntVector t = keys.add(NAN_TURN);
        return t.lanewise(VectorOperators.XOR, t.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    }
}
