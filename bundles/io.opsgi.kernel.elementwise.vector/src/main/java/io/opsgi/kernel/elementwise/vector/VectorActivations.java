package io.opsgi.kernel.elementwise.vector;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
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
     * Elements per parallel chunk: whole vectors, 128 KB of input. A tensor of one chunk or less runs
     * on the caller's thread; a larger one is spread over {@code Parallel}'s hot helpers, whose
     * hand-off (a volatile write) a chunk repays many times over (relu on 64x112x112: 0.07 ms on one
     * thread).
     */
    static final int CHUNK = 1 << 15;

    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        int n = x.length;
        if (n <= CHUNK) {
            pass(a, x, y, 0, n);
        } else {
            Parallel.forEach((n + CHUNK - 1) / CHUNK, c -> pass(a, x, y, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
        }
    }

    /**
     * Elements {@code [from, to)} ({@code from} a multiple of the vector length): one loop per
     * function, chosen once per chunk, each written out here, in one method on purpose; each loop runs
     * whole vectors unmasked (masked loads are slow on some JDKs), then one masked tail.
     *
     * <p>One loop per function: a single loop dispatching on the function per vector gets a profile
     * of every function the process has used (the gate's cases use all six), and C2 then compiles the
     * loop without inlining the vector operations, which boxes every vector: relu on 2^21 floats took
     * 2-700 ms per call instead of 0.3 ms once the other five had run.
     *
     * <p>One method, larger than C2's FreqInlineSize (325 bytecodes), so that it is never inlined
     * into its caller and C2 always compiles it on its own. Inlined, its loops sit as deep as the
     * caller's chain (a benchmark or a network runner, then this kernel, {@code Parallel.forEach} and
     * the chunk lambda), and the Vector API's force-inlined chains below each vector operation
     * (broadcast alone is six calls deep) pass C2's MaxInlineLevel (15): they are then inlined late,
     * their intrinsics find their species arguments no longer constant ("failed to inline
     * (intrinsic)" in -XX:+PrintInlining), and every vector is boxed. Measured with JMH at one
     * thread, 2026-12-06: chunked relu in small methods per function ran at 0.08 ms until C2
     * recompiled the benchmark's loop with everything inlined, then at 30-60 ms per call.
     */
    private static void pass(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        switch (a.fn()) {
            case RELU -> {
                for (; i < bound; i += S.length()) {
                    relu(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
                if (i < to) {
                    VectorMask<Float> m = S.indexInRange(i, to);
                    relu(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
                }
            }
            case RELU6, HARDTANH -> {
                float lo = a.fn() == Activation.RELU6 ? 0f : a.minVal(), hi = a.fn() == Activation.RELU6 ? 6f : a.maxVal();
                for (; i < bound; i += S.length()) {
                    clamp(FloatVector.fromArray(S, x, i), lo, hi).intoArray(y, i);
                }
                if (i < to) {
                    VectorMask<Float> m = S.indexInRange(i, to);
                    clamp(FloatVector.fromArray(S, x, i, m), lo, hi).intoArray(y, i, m);
                }
            }
            case LEAKY_RELU -> {
                float slope = a.negativeSlope();
                for (; i < bound; i += S.length()) {
                    leakyRelu(FloatVector.fromArray(S, x, i), slope).intoArray(y, i);
                }
                if (i < to) {
                    VectorMask<Float> m = S.indexInRange(i, to);
                    leakyRelu(FloatVector.fromArray(S, x, i, m), slope).intoArray(y, i, m);
                }
            }
            case HARDSWISH -> {
                for (; i < bound; i += S.length()) {
                    hardswish(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
                if (i < to) {
                    VectorMask<Float> m = S.indexInRange(i, to);
                    hardswish(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
                }
            }
            case HARDSIGMOID -> {
                if (a.onnxForm()) {
                    float alpha = a.alpha(), beta = a.beta();
                    for (; i < bound; i += S.length()) {
                        hardsigmoidOnnx(FloatVector.fromArray(S, x, i), alpha, beta).intoArray(y, i);
                    }
                    if (i < to) {
                        VectorMask<Float> m = S.indexInRange(i, to);
                        hardsigmoidOnnx(FloatVector.fromArray(S, x, i, m), alpha, beta).intoArray(y, i, m);
                    }
                } else {
                    for (; i < bound; i += S.length()) {
                        hardsigmoid(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                    }
                    if (i < to) {
                        VectorMask<Float> m = S.indexInRange(i, to);
                        hardsigmoid(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
                    }
                }
            }
            case SOFTSIGN -> {
                for (; i < bound; i += S.length()) {
                    softsign(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
                if (i < to) {
                    VectorMask<Float> m = S.indexInRange(i, to);
                    softsign(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
                }
            }
            default -> throw new IllegalArgumentException("vector activations do not serve " + a.fn().op());
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
