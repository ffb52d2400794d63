package io.opsgi.conformance;

import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.Kernel;

/**
 * A kernel's prepare path as a plain kernel of its family, so that every check written for plain
 * calls (vectors, differential cases, properties, the gate) replays it too: each call prepares with
 * the call's weights and no epilogue, then runs once. A wrong prepare step (weights packed wrongly,
 * bias dropped) then fails the same cases a wrong plain call would.
 */
public final class PreparedPath {
    private PreparedPath() {
    }

    /** {@code kernel} called through its prepare step, or null if its family has none. */
    public static Kernel of(Kernel kernel) {
        if (kernel instanceof Conv2dKernel k) {
            return new Conv2d(k);
        }
        return null;
    }

    /** conv2d through {@link Conv2dKernel#prepare}. */
    private record Conv2d(Conv2dKernel kernel) implements Conv2dKernel {
        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            kernel.prepare(g, w, bias, Epilogue.NONE).run(x, null, y);
        }

        @Override
        public boolean supports(ConvGeometry g) {
            return kernel.supports(g);
        }

        @Override
        public String toString() {
            return kernel + " (prepared)";
        }
    }
}
