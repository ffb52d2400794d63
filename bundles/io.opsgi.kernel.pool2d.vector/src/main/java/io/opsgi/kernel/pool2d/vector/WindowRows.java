package io.opsgi.kernel.pool2d.vector;

/**
 * Where the input rows of one output row's window are: column 0 of its i-th row inside the input
 * is {@code src[first + i*step]}, for i < {@code count}. Usually that is the input itself; rows
 * whose vector loads would run off either end of the input array (the first and last rows of the
 * whole tensor) are copied into a scratch buffer with room around them.
 *
 * <p>This is decided once per output row, before the vector loops: a call that might happen inside
 * such a loop makes Java 17's JIT keep the loop's vectors in memory, several times slower.
 */
final class WindowRows {
    float[] src;
    int first;
    int step;
    int count;
    private final float[] staged;
    private final int stagedWidth;

    WindowRows(RowTaps taps, int maxRows) {
        stagedWidth = taps.before + taps.after;
        staged = new float[maxRows * stagedWidth];
    }

    /** Locates rows {@code h0, h0+dh, ... < h1} of the plane at {@code x[planeStart]}, of width {@code width}. */
    void locate(RowTaps taps, float[] x, int planeStart, int width, int h0, int h1, int dh) {
        count = h0 < h1 ? (h1 - h0 + dh - 1) / dh : 0;
        first = planeStart + h0 * width;
        step = dh * width;
        src = x;
        if (count == 0 || taps.inPlace(first) && taps.inPlace(first + (count - 1) * step)) {
            return;
        }
        for (int i = 0; i < count; i++) {
            System.arraycopy(x, first + i * step, staged, i * stagedWidth + taps.before, width);
        }
        src = staged;
        first = taps.before;
        step = stagedWidth;
    }
}
