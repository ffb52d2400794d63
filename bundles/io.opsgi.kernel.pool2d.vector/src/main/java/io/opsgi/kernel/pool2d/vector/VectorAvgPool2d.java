package io.opsgi.kernel.pool2d.vector;

import static io.opsgi.kernel.pool2d.vector.RowTaps.F;
import static io.opsgi.kernel.pool2d.vector.RowTaps.I;
import static io.opsgi.kernel.pool2d.vector.RowTaps.L;

import io.opsgi.kernel.support.Windows;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.PoolGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * avg_pool2d on the Vector API, bit-identical to the reference (ATen's cpu_avg_pool,
 * OPERATOR-SEMANTICS §4): vectors of neighbouring outputs of one row ({@link RowTaps}) sum every
 * lane's window tap by tap in row-major order from +0, exactly the reference's sequential float32
 * sum; taps outside the input read +0, which leaves such a sum unchanged. Then one true division
 * per output by the divisor (divisor_override, or the window clipped at the end of the padding with
 * count_include_pad, or the taps inside the input without). Output rows are spread over
 * {@code Parallel}'s threads.
 */
@Component(service = {Kernel.class, AvgPool2dKernel.class})
@KernelInfo(op = "avg_pool2d", variant = "vector")
@ServiceRanking(100)
public final class VectorAvgPool2d implements AvgPool2dKernel {

    @Override
    public void avgPool2d(PoolGeometry g, AvgPool2dAttrs a, float[] x, float[] y) {
        RowTaps taps = new RowTaps(g, x.length);
        Divisors divisors = new Divisors(g, a);
        OutputRows.forEach(g, (from, to) -> rows(g, taps, divisors.forThread(), x, y, from, to, new WindowRows(taps, g.kh()), new float[L]));
    }

    /** Global output rows {@code [from, to)}: one method for the whole range, as the per-row work is small enough for a call per row to show. */
    private static void rows(PoolGeometry g, RowTaps taps, Divisors.Row divisors, float[] x, float[] y, int from, int to, WindowRows rows,
            float[] tail) {
        int width = g.w(), height = g.h(), kh = g.kh(), kw = g.kw(), strideH = g.strideH(), padH = g.padH(), padHEnd = g.padHEnd();
        int stride = g.strideW(), padW = g.padW(), outH = g.oh(), outW = g.ow();
        int kind = taps.kind;
        boolean zipped = kind == RowTaps.ZIPPED;
        int[] laneOffsets = taps.laneOffsets;
        // 2x2 windows at stride 2 that never reach outside a row (ResNet-style downsampling): see pairs()
        boolean pairs = kw == 2 && zipped && outW >= L && padW == 0 && 2 * (outW - 1) + 1 < width;
        int plane = from / outH;
        for (int r = from, oh = from - plane * outH; r < to; r++, oh++) {
            if (oh == outH) {
                oh = 0;
                plane++;
            }
            // hs = oh*s - p; he = min(hs + k, H + pEnd): the window ends at the end of the padding.
            int hs = Windows.start(oh, strideH, padH);
            int he = Math.min(hs + kh, height + padHEnd);
            int h0 = Math.max(hs, 0), h1 = Math.min(he, height);
            divisors.prepare(divisors.countIncludePad() ? he - hs : h1 - h0, h0 >= h1);
            rows.locate(taps, x, plane * height * width, width, h0, h1, 1);
            float[] src = rows.src;
            int first = rows.first, step = rows.step, tapCount = rows.count * kw;
            int out = r * outW;
            if (pairs && rows.count == 2) {
                pairs(divisors, src, first, step, y, out, outW);
                continue;
            }
            for (int ow0 = 0; ow0 < outW; ow0 += L) {
                int n = Math.min(L, outW - ow0);
                int c0 = Windows.start(ow0, stride, padW);
                boolean border = taps.reachesOutside(c0, n) || taps.reachesOutside(c0 + kw - 1, n);
                FloatVector sum = FloatVector.zero(F);
                FloatVector sumOdd = sum;
                // One loop over the window's taps in row-major order (h, t): Java 17's JIT boxes
                // vectors carried across two loop levels.
                for (int i = 0, t = 0, rowStart = first, c = c0; i < tapCount; i++) {
                    FloatVector v = RowTaps.part(src, rowStart + c, kind, laneOffsets);
                    FloatVector odd = zipped ? RowTaps.oddPart(src, rowStart + c) : v;
                    if (border && taps.reachesOutside(c, n)) {
                        VectorMask<Float> outside = RowTaps.outside(laneOffsets, c, width);
                        v = v.blend(0f, outside);
                        odd = odd.blend(0f, outside);
                    }
                    sum = sum.add(v);
                    if (zipped) {
                        sumOdd = sumOdd.add(odd);
                    }
                    c++;
                    if (++t == kw) {
                        t = 0;
                        c = c0;
                        rowStart += step;
                    }
                }
                if (zipped) {
                    sum = RowTaps.zip(sum, sumOdd);
                }
                RowTaps.store(divisors.average(RowTaps.inOrder(sum, kind), ow0), y, out + ow0, n, tail);
            }
        }
    }

    /**
     * One output row of 2x2 windows at stride 2, both rows and every column inside the input: the
     * general loop's sums in the same order ({@code ((0 + a0) + a1) + b0) + b1}, the zipped halves as
     * in {@link RowTaps}), written out without its per-tap loop and border tests, and the row's last
     * outputs as a whole vector overlapping the one before (the same values written twice) instead
     * of a partial store: about half the instructions per output.
     */
    private static void pairs(Divisors.Row divisors, float[] src, int first, int step, float[] y, int out, int outW) {
        for (int block = 0; block < outW; block += L) {
            int ow0 = Math.min(block, outW - L);
            int a = first + 2 * ow0, b = a + step;
            FloatVector even = FloatVector.zero(F).add(FloatVector.fromArray(F, src, a)).add(FloatVector.fromArray(F, src, a + 1))
                    .add(FloatVector.fromArray(F, src, b)).add(FloatVector.fromArray(F, src, b + 1));
            FloatVector odd = FloatVector.zero(F).add(RowTaps.oddPart(src, a)).add(RowTaps.oddPart(src, a + 1))
                    .add(RowTaps.oddPart(src, b)).add(RowTaps.oddPart(src, b + 1));
            divisors.average(RowTaps.inOrder(RowTaps.zip(even, odd), RowTaps.ZIPPED), ow0).intoArray(y, out + ow0);
        }
    }

    /**
     * The divisor of every output: divisor_override, or a row part (the window's height clipped at
     * the end of the padding, or inside the input) times a column part computed once per call.
     */
    private static final class Divisors {
        private final PoolGeometry g;
        private final boolean countIncludePad;
        private final Integer override;
        private final int[] columnFactor;
        /** Per output column: the number of window columns inside the input. */
        private final int[] insideColumns;
        private final boolean anyEmptyColumn;
        private final boolean negativeOverride;

        Divisors(PoolGeometry g, AvgPool2dAttrs a) {
            this.g = g;
            countIncludePad = a.countIncludePad();
            override = a.divisorOverride();
            negativeOverride = override != null && override < 0;
            columnFactor = new int[g.ow()];
            insideColumns = new int[RowTaps.roundUp(g.ow())];
            boolean empty = false;
            for (int ow = 0; ow < g.ow(); ow++) {
                int ws = Windows.start(ow, g.strideW(), g.padW());
                int we = Math.min(ws + g.kw(), g.w() + g.padWEnd());
                insideColumns[ow] = Math.max(0, Math.min(we, g.w()) - Math.max(ws, 0));
                columnFactor[ow] = countIncludePad ? we - ws : insideColumns[ow];
                empty |= insideColumns[ow] == 0;
            }
            anyEmptyColumn = empty;
        }

        Row forThread() {
            return new Row();
        }

        /** One thread's divisors of the current output row, as floats, rebuilt only when the row part changes. */
        final class Row {
            private final float[] divisor = new float[RowTaps.roundUp(g.ow())];
            /** 1/divisor, used instead of the division when every divisor is a power of two, so 1/d is exact and x*(1/d) == x/d. */
            private final float[] scale = new float[divisor.length];
            private boolean powersOfTwo;
            private int rowFactor = -1;
            private boolean emptyRow;

            boolean countIncludePad() {
                return countIncludePad;
            }

            /** Makes the divisors of a row whose window height counts {@code factor}; {@code empty} if it holds no input row. */
            void prepare(int factor, boolean empty) {
                emptyRow = empty;
                if (factor == rowFactor) {
                    return;
                }
                rowFactor = factor;
                powersOfTwo = true;
                for (int ow = 0; ow < g.ow(); ow++) {
                    // the reference's int divisor, promoted to float by the division
                    int d = override != null ? override : columnFactor[ow] * factor;
                    divisor[ow] = d;
                    scale[ow] = 1f / d;
                    long m = Math.abs((long) d);
                    powersOfTwo &= m != 0 && (m & (m - 1)) == 0;
                }
            }

            /** sum / divisor for outputs ow0.. of the row; 0 where a window holds no input element, as ATen writes. */
            FloatVector average(FloatVector sum, int ow0) {
                FloatVector avg = powersOfTwo ? sum.mul(FloatVector.fromArray(F, scale, ow0)) : sum.div(FloatVector.fromArray(F, divisor, ow0));
                if (negativeOverride) {
                    avg = avg.add(0f); // ATen adds the quotient to a zeroed output: a zero sum gives +0.0, not -0.0
                }
                if (emptyRow || anyEmptyColumn) {
                    // (the ceil rule never makes such a window)
                    VectorMask<Float> empty = emptyRow ? F.maskAll(true)
                            : IntVector.fromArray(I, insideColumns, ow0).compare(VectorOperators.EQ, 0).cast(F);
                    avg = avg.blend(0f, empty);
                }
                return avg;
            }
        }
    }
}
