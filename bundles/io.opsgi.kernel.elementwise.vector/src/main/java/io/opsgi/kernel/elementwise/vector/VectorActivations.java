package io.opsgi.kernel.elementwise.vector;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The piecewise-linear activations on the Vector API, bit-exact with PyTorch: every lane does the
 * same IEEE operations as PyTorch's scalar formula, and the tail runs as a masked vector, so there
 * is no second, scalar copy of any formula.
 */
@Component(service = {Kernel.class, ElementwiseKernel.class})
@KernelInfo(variant = "vector", op = {"relu", "relu6", "leaky_relu", "hardtanh", "hardswish", "hardsigmoid"})
@ServiceRanking(100)
public final class VectorActivations implements ElementwiseKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Below this many elements a second thread costs more than it saves (a hand-off is a few microseconds). */
    private static final int PARALLEL_MIN = 1 << 16;
    /** Elements per parallel chunk: a multiple of the vector length, so only the last chunk has a tail. */
    private static final int CHUNK = 1 << 14;

    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        if (x.length < PARALLEL_MIN || Parallel.threads() == 1) {
            range(a, x, y, 0, x.length);
        } else {
            Parallel.forEach((x.length + CHUNK - 1) / CHUNK, c -> range(a, x, y, c * CHUNK, Math.min(x.length, (c + 1) * CHUNK)));
        }
    }

    /** Whole vectors unmasked (masked loads are slow on some JDKs), then one masked tail. */
    private static void range(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            apply(a, FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            apply(a, FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static FloatVector apply(ActivationAttrs a, FloatVector v) {
        switch (a.fn()) {
            case RELU: // x < 0 ? 0 : x keeps NaN and -0.0, as PyTorch does
                return v.blend(0f, v.lt(0f));
            case RELU6:
                return clamp(v, 0f, 6f);
            case HARDTANH:
                return clamp(v, a.minVal(), a.maxVal());
            case LEAKY_RELU:
                return v.blend(v.mul(a.negativeSlope()), v.compare(VectorOperators.GT, 0f).not());
            case HARDSWISH: // x * min(max(x + 3, 0), 6) / 6, in this order
                return v.mul(clamp(v.add(3f), 0f, 6f)).div(6f);
            case HARDSIGMOID: // min(max(x + 3, 0), 6) / 6
                return clamp(v.add(3f), 0f, 6f).div(6f);
            default:
                throw new IllegalArgumentException("vector activations do not serve " + a.fn().op());
        }
    }

    /** C++ std::min(std::max(x, lo), hi): keeps NaN and -0.0; lo > hi gives hi. */
    private static FloatVector clamp(FloatVector v, float lo, float hi) {
        FloatVector low = v.blend(lo, v.lt(lo));
        return low.blend(hi, low.compare(VectorOperators.GT, hi));
    }
}
