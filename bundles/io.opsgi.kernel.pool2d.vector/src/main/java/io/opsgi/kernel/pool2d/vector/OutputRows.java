package io.opsgi.kernel.pool2d.vector;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.PoolGeometry;

/** Splits a pool's output rows, over all (n, c) planes, into parallel chunks worth a thread hand-off. */
final class OutputRows {
    /** Window taps (outputs x kernel taps) below which a chunk is cheaper to run than to hand to another thread. */
    static final long MIN_TAPS_PER_CHUNK = 1 << 15;

    private OutputRows() {
    }

    /** Runs {@code body} over the global output rows {@code [0, planes*oh)}; row r is row {@code r % oh} of plane {@code r / oh}. */
    static void forEach(PoolGeometry g, Parallel.RangeBody body) {
        int rows = g.planes() * g.oh();
        long tapsPerRow = Math.max(1L, (long) g.ow() * g.kh() * g.kw());
        int grain = (int) Math.min(rows, Math.max(1L, MIN_TAPS_PER_CHUNK / tapsPerRow));
        Parallel.forRange(rows, grain, body);
    }
}
