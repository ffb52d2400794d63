package io.opsgi.conformance;

import io.opsgi.op.Kernel;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;

/**
 * max_pool2d's values-only path as a plain kernel of its family, so that every check written for
 * operator calls (vectors, differential cases, the gate) replays it too. The operator always asks for
 * indices, which fast kernels answer on their exact path, while networks ask for values only, which
 * they answer differently (integer keys, separable maxima); without this a kernel wrong only there
 * passed every max_pool2d vector. A call with indices takes its values from a call without them and
 * its indices from a call with them.
 */
public final class ValuesOnlyPath {
    private ValuesOnlyPath() {
    }

    /** {@code kernel}'s values-only path, or null if its family has none. */
    public static Kernel of(Kernel kernel) {
        return kernel instanceof MaxPool2dKernel k ? new MaxPool2d(k) : null;
    }

    private record MaxPool2d(MaxPool2dKernel kernel) implements MaxPool2dKernel {
        @Override
        public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
            if (indices != null) {
                kernel.maxPool2d(g, x, new float[y.length], indices);
            }
            kernel.maxPool2d(g, x, y, null);
        }

        @Override
        public String toString() {
            return kernel + " (values only)";
        }
    }
}
