package io.opsgi.kernel.elementwise.vector;

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
 * The piecewise-linear activations (and softsign, one add and one division) on the Vector API, bit-exact with PyTorch: every lane does the
 * same IEEE operations as PyTorch's scalar formula, and the tail runs as a masked vector, so there
 * is no second, scalar copy of any formula.
 */
@Component(service = {Kernel.class, ElementwiseKernel.class})
@KernelInfo(variant = "vector", op = {"relu", "relu6", "leaky_relu", "hardtanh", "hardswish", "hardsigmoid", "softsign"})
@ServiceRanking(100)
public final class VectorActivations implements ElementwiseKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * One thread: splitting a 0.08 ms memory-bound pass across the intra-op pool was measured slower
     * (relu 64x112x112: 0.116 ms in chunks, 0.41 ms in halves, against 0.081 ms on one thread).
     */
    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        range(a, x, y, 0, x.length);
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
            case HARDSIGMOID: // min(max(x + 3, 0), 6) / 6; ONNX's form: min(max(alpha * x + beta, 0), 1), two roundings
                return a.onnxForm() ? clamp(v.mul(a.alpha()).add(a.beta()), 0f, 1f) : clamp(v.add(3f), 0f, 6f).div(6f);
            case SOFTSIGN: // x / (|x| + 1)
                return v.div(v.abs().add(1f));
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
