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
     * (relu 64x112x112: 0.116 ms in chunks, 0.41 ms in halves, against 0.081 ms on one thread). With
     * Parallel's hot helpers, 32K-float chunks brought 2 threads to 0.050 ms, but the loops bounded by a
     * chunk's end instead of the array's length ran at 0.60-0.72 ms on one thread (C2 no longer proves
     * the vector loads in range; JMH, same machine, 2026-12-06), so the whole-array loops stay.
     *
     * <p>One loop per function, chosen once per call: a single loop dispatching on the function per
     * vector gets a profile of every function the process has used (the gate's cases use all six), and
     * C2 then compiles the loop without inlining the vector operations, which boxes every vector: relu
     * on 2^21 floats took 2-700 ms per call instead of 0.3 ms once the other five had run.
     */
    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        switch (a.fn()) {
            case RELU -> relu(x, y);
            case RELU6 -> clamp(x, y, 0f, 6f);
            case HARDTANH -> clamp(x, y, a.minVal(), a.maxVal());
            case LEAKY_RELU -> leakyRelu(x, y, a.negativeSlope());
            case HARDSWISH -> hardswish(x, y);
            case HARDSIGMOID -> {
                if (a.onnxForm()) {
                    hardsigmoidOnnx(x, y, a.alpha(), a.beta());
                } else {
                    hardsigmoid(x, y);
                }
            }
            case SOFTSIGN -> softsign(x, y);
            default -> throw new IllegalArgumentException("vector activations do not serve " + a.fn().op());
        }
    }

    // Each loop: whole vectors unmasked (masked loads are slow on some JDKs), then one masked tail.

    private static void relu(float[] x, float[] y) {
        int i = 0;
        for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
            relu(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < x.length) {
            VectorMask<Float> m = S.indexInRange(i, x.length);
            relu(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static void clamp(float[] x, float[] y, float lo, float hi) {
        int i = 0;
        for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
            clamp(FloatVector.fromArray(S, x, i), lo, hi).intoArray(y, i);
        }
        if (i < x.length) {
            VectorMask<Float> m = S.indexInRange(i, x.length);
            clamp(FloatVector.fromArray(S, x, i, m), lo, hi).intoArray(y, i, m);
        }
    }

    private static void leakyRelu(float[] x, float[] y, float slope) {
        int i = 0;
        for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
            leakyRelu(FloatVector.fromArray(S, x, i), slope).intoArray(y, i);
        }
        if (i < x.length) {
            VectorMask<Float> m = S.indexInRange(i, x.length);
            leakyRelu(FloatVector.fromArray(S, x, i, m), slope).intoArray(y, i, m);
        }
    }

    private static void hardswish(float[] x, float[] y) {
        int i = 0;
        for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
            hardswish(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < x.length) {
            VectorMask<Float> m = S.indexInRange(i, x.length);
            hardswish(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static void hardsigmoid(float[] x, float[] y) {
        int i = 0;
        for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
            hardsigmoid(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < x.length) {
            VectorMask<Float> m = S.indexInRange(i, x.length);
            hardsigmoid(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static void hardsigmoidOnnx(float[] x, float[] y, float alpha, float beta) {
        int i = 0;
        for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
            hardsigmoidOnnx(FloatVector.fromArray(S, x, i), alpha, beta).intoArray(y, i);
        }
        if (i < x.length) {
            VectorMask<Float> m = S.indexInRange(i, x.length);
            hardsigmoidOnnx(FloatVector.fromArray(S, x, i, m), alpha, beta).intoArray(y, i, m);
        }
    }

    private static void softsign(float[] x, float[] y) {
        int i = 0;
        for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
            softsign(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < x.length) {
            VectorMask<Float> m = S.indexInRange(i, x.length);
            softsign(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    // The formulas, one copy each (small static methods: C2 inlines them into their one loop).

    /** x < 0 ? 0 : x keeps NaN and -0.0, as PyTorch does. */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.lt(0f));
    }

    private static FloatVector leakyRelu(FloatVector v, float slope) {
        return v.blend(v.mul(slope), v.compare(VectorOperators.GT, 0f).not());
    }

    /** x * min(max(x + 3, 0), 6) / 6, in this order. */
    private static FloatVector hardswish(FloatVector v) {
        return v.mul(clamp(v.add(3f), 0f, 6f)).div(6f);
    }

    /** min(max(x + 3, 0), 6) / 6. */
    private static FloatVector hardsigmoid(FloatVector v) {
        return clamp(v.add(3f), 0f, 6f).div(6f);
    }

    /** ONNX HardSigmoid: min(max(alpha * x + beta, 0), 1), two roundings. */
    private static FloatVector hardsigmoidOnnx(FloatVector v, float alpha, float beta) {
        return clamp(v.mul(alpha).add(beta), 0f, 1f);
    }

    /** x / (|x| + 1). */
    private static FloatVector softsign(FloatVector v) {
        return v.div(v.abs().add(1f));
    }

    /** C++ std::min(std::max(x, lo), hi): keeps NaN and -0.0; lo > hi gives hi. */
    private static FloatVector clamp(FloatVector v, float lo, float hi) {
        FloatVector low = v.blend(lo, v.lt(lo));
        return low.blend(hi, low.compare(VectorOperators.GT, hi));
    }
}
