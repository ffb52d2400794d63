package io.opsgi.runtime.chain;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Whether every value of an output is finite: the chain's check after each answer, a pass over the whole
 * output. A loop with an early exit is not vectorised by C2 (about a value per cycle, 10% of a 1x1 conv's
 * call through the registry); on the Vector API the scan is several times faster. The container always has
 * the module (the fast kernels need it); a JVM without it gets the plain loop.
 */
final class FiniteScan {
    /** Values per look at the mask: a non-finite value ends the scan soon after it, not at the end. */
    private static final int CHUNK = 4096;
    private static final boolean VECTOR = vectorWorks();

    private FiniteScan() {
    }

    static boolean allFinite(float[] a) {
        return VECTOR ? Vectors.allFinite(a) : allFinite(a, 0);
    }

    static boolean allFinite(float[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean vectorWorks() {
        try {
            return Vectors.allFinite(new float[64]);
        } catch (LinkageError e) { // jdk.incubator.vector not in this JVM (or not wired to this bundle)
            return false;
        }
    }

    /** Apart, so that a JVM without the module only fails to load this class. */
    static final class Vectors {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        static boolean allFinite(float[] a) {
            int up = S.loopBound(a.length), i = 0;
            FloatVector largest = FloatVector.broadcast(S, Float.MAX_VALUE);
            while (i < up) {
                int to = Math.min(up, i + CHUNK);
                VectorMask<Float> finite = S.maskAll(true);
                for (; i < to; i += S.length()) { // |x| <= MAX_VALUE is false for +-inf and NaN
                    finite = finite.and(FloatVector.fromArray(S, a, i).abs().compare(VectorOperators.LE, largest));
                }
                if (!finite.allTrue()) {
                    return false;
                }
            }
            return FiniteScan.allFinite(a, i);
        }
    }
}
