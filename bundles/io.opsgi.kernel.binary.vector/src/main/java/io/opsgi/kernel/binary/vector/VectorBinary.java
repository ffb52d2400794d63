package io.opsgi.kernel.binary.vector;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.BroadcastGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.tensor.Shape;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * add, sub, mul and div on the Vector API for the shapes CNNs use: operands of the output's shape
 * (a residual add), and one full operand with one value per channel or per (sample, channel) (a (C, 1, 1)
 * bias, an (N, C, 1, 1) squeeze-and-excitation scale, a scalar), on either side. Each lane does the one IEEE operation PyTorch does, so
 * the results are bit-exact; every other broadcast goes down the chain to the reference.
 */
@Component(service = {Kernel.class, BinaryKernel.class})
@KernelInfo(op = {"add", "sub", "mul", "div"}, variant = "vector")
@ServiceRanking(100)
public final class VectorBinary implements BinaryKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Elements per parallel chunk of a same-shape call (a residual add): whole vectors, 128 KB of each operand. */
    static final int CHUNK = 1 << 15;
    /**
     * The same-shape loop, reached through a method handle read from an array (an element is no
     * constant to C2): it then compiles the loop as a method of its own, never inlined under a deep
     * caller, where the Vector API's calls would pass C2's inlining limits and box every vector
     * (measured on the vector activations, which do the same; see VectorActivations.LOOPS).
     */
    private static final MethodHandle[] SAME_SHAPE = new MethodHandle[1];

    static {
        try {
            SAME_SHAPE[0] = MethodHandles.lookup().findStatic(VectorBinary.class, "sameShape",
                    MethodType.methodType(void.class, BinaryOp.class, float[].class, float[].class, float[].class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void binary(BroadcastGeometry g, float[] input, float[] other, float[] y) {
        BinaryOp op = g.op();
        if (g.sameShape()) {
            MethodHandle loop = SAME_SHAPE[0];
            int n = y.length;
            if (n <= CHUNK) {
                sameShape(loop, op, input, other, y, 0, n);
            } else {
                Parallel.forEach((n + CHUNK - 1) / CHUNK, c -> sameShape(loop, op, input, other, y, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
            }
            return;
        }
        int[] strides = g.otherStrides();
        Integer run = runLength(g, g.inputStrides(), strides);
        boolean swapped = run == null; // the input is the small operand: keep PyTorch's operand order
        if (swapped) {
            strides = g.inputStrides();
            run = runLength(g, g.otherStrides(), strides);
        }
        if (run == null) {
            throw new IllegalArgumentException("vector binary does not support " + g + " (supports() said so)");
        }
        runs(op, swapped ? other : input, swapped ? input : other, strides, swapped, g.output(), run, y);
    }

    @Override
    public boolean supports(BroadcastGeometry g) {
        return g.sameShape() || runLength(g, g.inputStrides(), g.otherStrides()) != null || runLength(g, g.otherStrides(), g.inputStrides()) != null;
    }

    /**
     * The run length if the operand with strides {@code full} is as large as the output and the one with
     * strides {@code small} is broadcast along every dimension after its last varying one (so it holds one
     * value per run of that many output elements: a (C, 1, 1) bias, an (N, C, 1, 1) scale, a scalar),
     * with runs of at least one vector; else null. Runs shorter than a vector would spend their time in
     * masked tails: those calls are left to the reference.
     */
    static Integer runLength(BroadcastGeometry g, int[] full, int[] small) {
        if (!g.isContiguous(full)) {
            return null;
        }
        Shape out = g.output();
        int last = -1;
        for (int d = 0; d < out.rank(); d++) {
            if (small[d] != 0) {
                last = d;
            }
        }
        int run = 1;
        for (int d = last + 1; d < out.rank(); d++) {
            run *= out.dim(d);
        }
        return run >= S.length() ? run : null;
    }

    private static void sameShape(MethodHandle loop, BinaryOp op, float[] a, float[] b, float[] y, int from, int to) {
        try {
            loop.invokeExact(op, a, b, y, from, to);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t); // the loop throws no checked exception
        }
    }

    /** Elements {@code [from, to)} ({@code from} a multiple of the vector length); reached only through {@link #SAME_SHAPE}. */
    private static void sameShape(BinaryOp op, float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            apply(op, FloatVector.fromArray(S, a, i), FloatVector.fromArray(S, b, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            apply(op, FloatVector.fromArray(S, a, i, m), FloatVector.fromArray(S, b, i, m)).intoArray(y, i, m);
        }
    }

    /**
     * y = full op value (value op full when {@code swapped}, so that sub and div keep PyTorch's operand
     * order), with one broadcast value per run of {@code run} output elements, found through the small
     * operand's strides over the output dimensions before the run.
     */
    private static void runs(BinaryOp op, float[] full, float[] small, int[] strides, boolean swapped, Shape out, int run, float[] y) {
        int outer = out.rank();
        int product = 1;
        while (outer > 0 && product < run) {
            product *= out.dim(--outer); // dimensions [outer, rank) make up one run
        }
        for (int start = 0, r = 0; start < y.length; start += run, r++) {
            int at = 0;
            for (int d = outer - 1, rest = r; d >= 0; d--) {
                at += (rest % out.dim(d)) * strides[d];
                rest /= out.dim(d);
            }
            FloatVector value = FloatVector.broadcast(S, small[at]);
            int end = start + run, i = start;
            for (int bound = start + S.loopBound(run); i < bound; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, full, i);
                (swapped ? apply(op, value, x) : apply(op, x, value)).intoArray(y, i);
            }
            if (i < end) {
                VectorMask<Float> m = S.indexInRange(i, end);
                FloatVector x = FloatVector.fromArray(S, full, i, m);
                (swapped ? apply(op, value, x) : apply(op, x, value)).intoArray(y, i, m);
            }
        }
    }

    private static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        switch (op) {
            case ADD:
                return a.add(b);
            case SUB:
                return a.sub(b);
            case MUL:
                return a.mul(b);
            case DIV:
                return a.div(b);
            default:
                throw new IllegalArgumentException("vector binary: unknown op " + op.op());
        }
    }
}
