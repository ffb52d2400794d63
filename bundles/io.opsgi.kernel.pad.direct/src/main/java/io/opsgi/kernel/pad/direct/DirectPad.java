package io.opsgi.kernel.pad.direct;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.PadGeometry;
import io.opsgi.op.PadKernel;
import io.opsgi.op.PadMode;
import java.util.Arrays;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference F.pad, one output row at a time: output (i, j) reads input
 * ({@code mode.source(i - top, inH)}, {@code mode.source(j - left, inW)}) or the fill value
 * (OPERATOR-SEMANTICS §7). Negative top/left crop. The columns that read the input row unchanged
 * are one {@link System#arraycopy}; only the border columns go through {@link PadMode#source}.
 */
@Component(service = {Kernel.class, PadKernel.class})
@KernelInfo(op = "pad", variant = "direct")
@ServiceRanking(0)
public final class DirectPad implements PadKernel {

    @Override
    public void pad(PadGeometry g, PadMode mode, float value, float[] x, float[] y) {
        int inW = g.inW();
        int outW = g.outW();
        // Output columns [lo, hi) read input columns [lo - left, hi - left) in order; with a crop
        // past the input (e.g. reflect (-5, 3) on size 4) the interval is empty.
        int lo = clamp(g.left(), 0, outW);
        int hi = clamp(g.left() + inW, lo, outW);
        for (int plane = 0; plane < g.outer(); plane++) {
            int inPlane = plane * g.inH() * inW;
            for (int i = 0; i < g.outH(); i++) {
                int dst = (plane * g.outH() + i) * outW;
                int row = mode.source(i - g.top(), g.inH());
                if (row < 0) { // constant mode, a row above or below the input
                    Arrays.fill(y, dst, dst + outW, value);
                    continue;
                }
                int src = inPlane + row * inW;
                for (int j = 0; j < lo; j++) {
                    y[dst + j] = read(x, src, mode.source(j - g.left(), inW), value);
                }
                if (hi > lo) { // (an empty copy would still bounds-check its source offset)
                    System.arraycopy(x, src + lo - g.left(), y, dst + lo, hi - lo);
                }
                for (int j = hi; j < outW; j++) {
                    y[dst + j] = read(x, src, mode.source(j - g.left(), inW), value);
                }
            }
        }
    }

    /** Input column {@code col} of the row starting at {@code rowStart}, or the fill value for -1. */
    private static float read(float[] x, int rowStart, int col, float value) {
        return col < 0 ? value : x[rowStart + col];
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(v, max));
    }
}
