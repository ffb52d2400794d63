package io.opsgi.kernel.elementwise.vector;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
     * on the caller's thread; a larger one is spread over {@code Parallel}'s hot helpers (relu on
     * 64x112x112, 25 chunks: about 0.05 ms on 2 threads against 0.075 on one, JMH, 2026-12-06).
     */
    static final int CHUNK = 1 << 15;
    private static final MethodType LOOP_TYPE = MethodType.methodType(void.class, ActivationAttrs.class, float[].class, float[].class, int.class,
            int.class);
    /**
     * The loops, one per function, each reached through a method handle read from this array: an
     * array element is no constant to C2, so it cannot inline the call and compiles every loop as a
     * method of its own, with only its own function's profile and its own inlining budget, however
     * the kernel is called. Measured on 2026-12-06 (-XX:+PrintInlining; see the README): inlined into
     * a caller, a chunk loop failed in two ways, and each boxed every vector (the Vector API's
     * intrinsics need their species arguments constant, which they are only when their calls are
     * inlined at parse time):
     * <ul>
     * <li>under a deep caller (JMH's loop, the kernel, {@code Parallel.forEach}, the chunk lambda),
     *     the Vector API's force-inlined chains passed C2's MaxInlineLevel (15);</li>
     * <li>all seven loops in one method (too large to be inlined itself): once the gate had run every
     *     function, C2 compiled all seven, inlined the first two it parsed and then stopped at its
     *     node budget for one compilation ("NodeCountInliningCutoff", 18000 nodes), leaving relu's and
     *     relu6's vector operations as calls on boxed vectors: 0.44-0.86 ms of CPU per relu call on
     *     64x112x112 instead of 0.06-0.1 (the container's 0.469 ms in {@code ./opsgi list}).</li>
     * </ul>
     * The call costs a few nanoseconds per 32K-element chunk.
     */
    private static final MethodHandle[] LOOPS;
    /** Indices into {@link #LOOPS}, in the order of its names. */
    private static final int RELU_LOOP = 0, CLAMP_LOOP = 1, LEAKY_RELU_LOOP = 2, HARDSWISH_LOOP = 3, HARDSIGMOID_LOOP = 4, HARDSIGMOID_ONNX_LOOP = 5,
            SOFTSIGN_LOOP = 6;

    static {
        String[] names = {"reluLoop", "clampLoop", "leakyReluLoop", "hardswishLoop", "hardsigmoidLoop", "hardsigmoidOnnxLoop", "softsignLoop"};
        LOOPS = new MethodHandle[names.length];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            for (int i = 0; i < names.length; i++) {
                LOOPS[i] = lookup.findStatic(VectorActivations.class, names[i], LOOP_TYPE);
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One loop per function, chosen once per call: a single loop dispatching on the function per
     * vector gets a profile of every function the process has used (the gate's cases use all six), and
     * C2 then compiles the loop without inlining the vector operations, which boxes every vector: relu
     * on 2^21 floats took 2-700 ms per call instead of 0.3 ms once the other five had run.
     */
    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        MethodHandle loop = LOOPS[switch (a.fn()) {
            case RELU -> RELU_LOOP;
            case RELU6, HARDTANH -> CLAMP_LOOP;
            case LEAKY_RELU -> LEAKY_RELU_LOOP;
            case HARDSWISH -> HARDSWISH_LOOP;
            case HARDSIGMOID -> a.onnxForm() ? HARDSIGMOID_ONNX_LOOP : HARDSIGMOID_LOOP;
            case SOFTSIGN -> SOFTSIGN_LOOP;
            default -> throw new IllegalArgumentException("vector activations do not serve " + a.fn().op());
        }];
        int n = x.length;
        if (n <= CHUNK) {
            run(loop, a, x, y, 0, n);
        } else {
            Parallel.forEach((n + CHUNK - 1) / CHUNK, c -> run(loop, a, x, y, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
        }
    }

    private static void run(MethodHandle loop, ActivationAttrs a, float[] x, float[] y, int from, int to) {
        try {
            loop.invokeExact(a, x, y, from, to);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t); // the loops throw no checked exception
        }
    }

    // Each loop, over [from, to) with from a multiple of the vector length: whole vectors unmasked
    // (masked loads are slow on some JDKs), then one masked tail. Reached only through LOOPS.

    private static void reluLoop(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            relu(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            relu(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static void clampLoop(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        boolean relu6 = a.fn() == Activation.RELU6;
        float lo = relu6 ? 0f : a.minVal(), hi = relu6 ? 6f : a.maxVal();
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            clamp(FloatVector.fromArray(S, x, i), lo, hi).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            clamp(FloatVector.fromArray(S, x, i, m), lo, hi).intoArray(y, i, m);
        }
    }

    private static void leakyReluLoop(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        float slope = a.negativeSlope();
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            leakyRelu(FloatVector.fromArray(S, x, i), slope).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            leakyRelu(FloatVector.fromArray(S, x, i, m), slope).intoArray(y, i, m);
        }
    }

    private static void hardswishLoop(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            hardswish(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            hardswish(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static void hardsigmoidLoop(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            hardsigmoid(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            hardsigmoid(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static void hardsigmoidOnnxLoop(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        float alpha = a.alpha(), beta = a.beta();
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            hardsigmoidOnnx(FloatVector.fromArray(S, x, i), alpha, beta).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            hardsigmoidOnnx(FloatVector.fromArray(S, x, i, m), alpha, beta).intoArray(y, i, m);
        }
    }

    private static void softsignLoop(ActivationAttrs a, float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            softsign(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
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
