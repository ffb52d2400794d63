package io.opsgi.conformance;

import io.opsgi.op.Kernel;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A seeded randomized differential check: each valid vector case's configuration (attributes and
 * shapes) with new input values, run through a kernel and through the reference kernel, compared
 * within the same {@link Tolerances} as the vectors. New values come from scaling every input
 * element by a random factor in [0.5, 1.5): magnitudes change, signs, zeros, -0.0, NaN and
 * infinities stay, so the constraints the vectors respect (a positive variance, say) still hold.
 */
public final class Differential {
    public enum Verdict { PASSED, FAILED, NOT_APPLICABLE }

    /** @param problem what differed, or why the case does not apply; null when it passed */
    public record Result(VectorCase c, Verdict verdict, String problem) {
    }

    private Differential() {
    }

    /**
     * Plain calls, then (for a kernel with one) calls through its prepare step ({@link PreparedPath}),
     * its blocked entry points ({@link BlockedPath}, the combination of blocked tensors chosen with the seed)
     * and its values-only path ({@link ValuesOnlyPath}).
     */
    public static Result check(VectorCase c, Kernel kernel, Kernel reference, long seed) {
        Result plain = checkCalls(c, kernel, reference, seed);
        if (plain.verdict() != Verdict.PASSED) {
            return plain;
        }
        Result p = second(c, PreparedPath.of(kernel), reference, seed, path -> "through its prepare step: ");
        if (p == null) {
            p = second(c, BlockedPath.of(kernel, seed), reference, seed, path -> "through its blocked entry points (" + BlockedPath.lastCall(path) + "): ");
        }
        if (p == null) {
            p = second(c, ValuesOnlyPath.of(kernel), reference, seed, path -> "values only (no indices): ");
        }
        return p != null ? p : plain;
    }

    /** Calls through a second path of the kernel ({@code path}, may be null): the failure, or null. */
    private static Result second(VectorCase c, Kernel path, Kernel reference, long seed, Function<Kernel, String> how) {
        if (path == null) {
            return null;
        }
        Result p = checkCalls(c, path, reference, seed);
        return p.verdict() == Verdict.FAILED ? new Result(c, Verdict.FAILED, how.apply(path) + p.problem()) : null;
    }

    private static Result checkCalls(VectorCase c, Kernel kernel, Kernel reference, long seed) {
        if (c.isErrorCase()) {
            return new Result(c, Verdict.NOT_APPLICABLE, "an error case");
        }
        Operator operator = Operators.get(c.op());
        Map<String, Tensor> inputs;
        try {
            inputs = perturbedInputs(c, seed);
        } catch (VectorFormatException e) {
            return new Result(c, Verdict.FAILED, "unreadable vector file: " + e.getMessage());
        }
        Map<String, Object> expected;
        try {
            expected = operator.run(only(operator, reference), c.attrs(), inputs);
        } catch (RuntimeException e) {
            return new Result(c, Verdict.NOT_APPLICABLE, "the reference refuses these values: " + e);
        }
        Map<String, Object> actual;
        try {
            actual = operator.run(only(operator, kernel), c.attrs(), inputs);
        } catch (KernelChain.UnsupportedGeometryException e) {
            return new Result(c, Verdict.NOT_APPLICABLE, "the kernel does not support this geometry");
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(c, Verdict.FAILED, Replay.threw(e));
        }
        List<String> problems = Replay.compareOutputs(c, inputs, expected, actual, "the reference kernel").problems();
        return problems.isEmpty() ? new Result(c, Verdict.PASSED, null)
                : new Result(c, Verdict.FAILED, "differs from the reference kernel on new values (seed " + seed + "): "
                        + String.join("; ", problems));
    }

    /** {@code c}'s inputs with new values, seeded as {@link #check} seeds them. */
    public static Map<String, Tensor> perturbedInputs(VectorCase c, long seed) throws VectorFormatException {
        return perturbed(c.readInputs(), new SplittableRandom(seed ^ c.name().hashCode()));
    }

    /**
     * What differs between {@code actual} and {@code expected} outputs of a call configured as {@code c}
     * (its op and attributes pick the tolerance, {@link Tolerances#forOutput}); empty if nothing does.
     */
    public static List<String> compare(VectorCase c, Map<String, Tensor> inputs, Map<String, Object> expected, Map<String, Object> actual,
            String source) {
        return Replay.compareOutputs(c, inputs, expected, actual, source).problems();
    }

    private static Map<String, Tensor> perturbed(Map<String, Tensor> inputs, SplittableRandom random) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        inputs.forEach((name, t) -> {
            float[] v = t.toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] *= (float) (0.5 + random.nextDouble());
            }
            out.put(name, Tensor.wrap(t.shape(), v));
        });
        return Map.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private static Kernel only(Operator operator, Kernel kernel) {
        return KernelChain.only((Class<Kernel>) operator.kernelType(), kernel);
    }
}
