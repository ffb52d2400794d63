package io.opsgi.kernel.conv2d.depthwise;

import io.opsgi.op.ConvGeometry;

/**
 * Where one input plane goes in the per-plane buffer, derived once per call.
 *
 * <p>The buffer holds the plane zero-padded on all sides and, for a horizontal stride s, with each
 * row split into s phases: {@code buffer[r·rowLength + p·phaseLength + q]} is padded column
 * {@code q·s + p} of padded row r. Output column ow, tap j then reads phase {@code (j·dW) mod s}
 * at {@code q = ow + (j·dW) div s}: consecutive output columns read consecutive floats whatever the
 * stride, so a vector of output columns is one plain vector load per tap.
 *
 * <p>Output rows are computed in whole vectors ({@code vectorsPerRow} of them, the last running past
 * ow), and the buffer is large enough that every tap of every such lane reads inside it, as zeros
 * where it lies outside the input: the hot loop has no tests.
 */
final class DepthwiseLayout {
    final ConvGeometry g;
    final int lanes, vectorsPerRow, vectors, rows, rowLength, phaseLength, taps, multiplier;
    /**
     * 3x3, stride 1, dilation 1 (MobileNet's stride-1 layers): computed by column strips of two
     * vectors streaming down the rows ({@code DepthwiseConv2d.threeByThree}), so computed columns
     * are rounded up to a whole number of strips.
     */
    final boolean threeByThree;
    /**
     * 3x3 stride 1 computed from the input plane itself, with no buffer ({@code DepthwiseConv2d.threeByThreeDirect}):
     * output columns {@code [interiorFirst, interiorEnd)} read only input columns, and there are at least
     * four vectors of them (two strips); the other columns are the edge path's.
     */
    final boolean readsInputDirectly;
    final int interiorFirst, interiorEnd;
    /** Per stride phase p, the range of q whose padded column q·s + p is an input column. */
    final int[] phaseFirst, phaseEnd;

    DepthwiseLayout(ConvGeometry g, int lanes) {
        this.g = g;
        this.lanes = lanes;
        multiplier = g.cOut() / g.cIn();
        taps = g.kh() * g.kw();
        threeByThree = g.kh() == 3 && g.kw() == 3 && g.strideH() == 1 && g.strideW() == 1 && g.dilationH() == 1 && g.dilationW() == 1;
        // Output column oc reads input columns oc - padLeft .. oc - padLeft + 2.
        interiorFirst = Math.min(g.padLeft(), g.ow());
        interiorEnd = (int) Math.max(interiorFirst, Math.min(g.ow(), (long) g.w() - 2 + g.padLeft()));
        // At least four vectors: the scalar edge columns cost about as much as the copy they save on 56-wide
        // planes with 16 lanes (JMH, same run), and win on 112-wide ones.
        readsInputDirectly = threeByThree && interiorEnd - interiorFirst >= 4L * lanes;
        vectorsPerRow = (g.ow() + lanes - 1) / lanes;
        vectors = g.oh() * vectorsPerRow;
        long lastRow = (long) (g.oh() - 1) * g.strideH() + (long) (g.kh() - 1) * g.dilationH();
        rows = (int) Math.min(Integer.MAX_VALUE, Math.max(g.padTop() + (long) g.h(), lastRow + 1));
        long computedColumns = (threeByThree ? (vectorsPerRow + 1) / 2 * 2L : vectorsPerRow) * lanes;
        long lastColumn = (computedColumns - 1) * g.strideW() + (long) (g.kw() - 1) * g.dilationW();
        long width = Math.max(g.padLeft() + (long) g.w(), lastColumn + 1);
        long phase = (width + g.strideW() - 1) / g.strideW();
        phaseLength = (int) Math.min(Integer.MAX_VALUE, phase);
        rowLength = (int) Math.min(Integer.MAX_VALUE, phase * g.strideW());
        // Phase p holds padded columns q·s + p, that is input columns q·s + p - padLeft: inside for q in [first, end).
        int s = g.strideW();
        phaseFirst = new int[s];
        phaseEnd = new int[s];
        for (int p = 0; p < s; p++) {
            phaseFirst[p] = (int) Math.max(0, Math.floorDiv((long) g.padLeft() - p + s - 1, s));
            phaseEnd[p] = (int) Math.min(phaseLength, Math.floorDiv((long) g.padLeft() + g.w() - 1 - p, s) + 1);
        }
    }

    /** Whether the plane buffer is addressable with int indices. */
    boolean fitsInArrays() {
        return (long) rows * rowLength < Integer.MAX_VALUE - 64 && (long) (vectorsPerRow + 1) * lanes < Integer.MAX_VALUE - 64;
    }

    int bufferSize() {
        return rows * rowLength;
    }

    /** Offset of tap (i, j) from the vector's own base {@link #base}. */
    int tapOffset(int i, int j) {
        int col = j * g.dilationW();
        return i * g.dilationH() * rowLength + col % g.strideW() * phaseLength + col / g.strideW();
    }

    /** Whether a buffer laid out for {@code other} has its input interior exactly where this layout puts it (so its zero border fits too). */
    boolean sameBuffer(DepthwiseLayout other) {
        return other != null && other.rows == rows && other.rowLength == rowLength && other.phaseLength == phaseLength
                && other.g.padTop() == g.padTop() && other.g.padLeft() == g.padLeft() && other.g.h() == g.h() && other.g.w() == g.w()
                && other.g.strideW() == g.strideW();
    }
}
