package io.opsgi.conformance;

import io.opsgi.op.Kernel;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.op.OpException;
import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Replays reference cases against kernels through the op contracts ({@link Operator#run}), as a
 * caller would: a valid case passes if every output is within {@link Tolerances} (indices exactly),
 * an error case passes if the contract raises an {@link OpException} with the expected rule. Either
 * way the kernel must leave its inputs untouched. Each case is guarded, so a kernel that throws,
 * loops into a StackOverflowError or returns garbage fails that case and the run goes on.
 */
public final class Replay {
    private final Consumer<String> progress;

    /** @param progress receives a line per op and kernel as a long run advances */
    public Replay(Consumer<String> progress) {
        this.progress = Objects.requireNonNull(progress);
    }

    public Replay() {
        this(line -> {
        });
    }

    /** Every case of every op against every kernel that serves it; ops no kernel serves get a "no kernel" row. */
    public ConformanceReport run(ReferenceVectors vectors, List<DiscoveredKernel> kernels) {
        ConformanceReport report = new ConformanceReport();
        for (String op : vectors.ops()) {
            List<VectorCase> cases = vectors.cases(op);
            List<DiscoveredKernel> serving = ClasspathKernels.serving(kernels, op);
            if (serving.isEmpty()) {
                report.addUncovered(op, cases.size());
                progress.accept(op + ": no kernel serves it; " + cases.size() + " cases not run");
            }
            for (DiscoveredKernel k : serving) {
                progress.accept(k.label(op) + ": " + cases.size() + " cases ...");
                for (VectorCase c : cases) {
                    report.add(run(c, k));
                }
                progress.accept(report.row(op, k.variant()).summary());
            }
        }
        return report;
    }

    /** {@code cases} against one kernel, e.g. a kernel under development that no bundle declares yet. */
    public ConformanceReport run(List<VectorCase> cases, Kernel kernel, String variant) {
        ConformanceReport report = new ConformanceReport();
        for (VectorCase c : cases) {
            report.add(run(c, kernel, variant));
        }
        progress.accept(variant + ": " + report.rows().stream().map(ConformanceReport.Row::summary).toList());
        return report;
    }

    /** {@code c} against a discovered kernel; skipped if the kernel does not declare the case's op. */
    public CaseResult run(VectorCase c, DiscoveredKernel k) {
        if (!k.serves(c.op())) {
            return CaseResult.skipped(c, k.variant(), "kernel " + k + " does not serve " + c.op());
        }
        return run(c, k.kernel(), k.variant());
    }

    /**
     * {@code c} against {@code kernel}; skipped if the kernel is not of the op's kernel type. A kernel
     * with a prepare step ({@link PreparedPath}), blocked entry points ({@link BlockedPath}) or a values-only
     * path ({@link ValuesOnlyPath}) must pass the case through them as well. Never throws.
     */
    public CaseResult run(VectorCase c, Kernel kernel, String variant) {
        try {
            CaseResult plain = replay(c, kernel, variant);
            if (!plain.passed() || c.isErrorCase()) {
                return plain;
            }
            CaseResult p = second(c, PreparedPath.of(kernel), variant, path -> "through its prepare step: ");
            if (p == null) {
                p = second(c, BlockedPath.of(kernel), variant, path -> "through its blocked entry points (" + BlockedPath.lastCall(path) + "): ");
            }
            if (p == null) {
                p = second(c, ValuesOnlyPath.of(kernel), variant, path -> "values only (no indices): ");
            }
            return p != null ? p : plain;
        } catch (Throwable t) {
            return CaseResult.failed(c, variant, "replay broke down: " + text(t));
        }
    }

    /** {@code c} through a second path of the kernel ({@code path}, may be null): its failure, or null. {@code how} says how it was called. */
    private static CaseResult second(VectorCase c, Kernel path, String variant, Function<Kernel, String> how) {
        if (path == null) {
            return null;
        }
        CaseResult p = replay(c, path, variant);
        return p.status() == CaseResult.Status.FAILED
                ? CaseResult.failed(c, variant, how.apply(path) + p.reason(), p.maxAbsError(), p.maxUlpError(), p.toleranceUse(), p.worst(), p.actual())
                : null;
    }

    private static CaseResult replay(VectorCase c, Kernel kernel, String variant) {
        Operator operator = Operators.get(c.op());
        if (!operator.kernelType().isInstance(kernel)) {
            return CaseResult.skipped(c, variant, kernel.getClass().getName() + " is not a " + operator.kernelType().getSimpleName());
        }
        Map<String, Tensor> inputs;
        try {
            inputs = c.readInputs();
        } catch (VectorFormatException e) {
            return CaseResult.failed(c, variant, "unreadable vector file: " + e.getMessage());
        }
        Map<String, float[]> before = new LinkedHashMap<>();
        inputs.forEach((name, t) -> before.put(name, t.toArray()));

        Map<String, Object> outputs = null;
        Throwable thrown = null;
        try {
            // Through a chain of one, so a specialised kernel is only asked for the geometries it supports.
            outputs = operator.run(KernelChain.only(kernelType(operator), kernel), c.attrs(), Map.copyOf(inputs));
        } catch (KernelChain.UnsupportedGeometryException e) {
            return CaseResult.skipped(c, variant, "not applicable: the kernel does not support this geometry");
        } catch (Throwable t) {
            thrown = t;
        }
        String mutation = mutation(inputs, before);
        return c.isErrorCase() ? judgeError(c, variant, thrown, mutation) : judgeOutputs(c, variant, inputs, outputs, thrown, mutation);
    }

    private static CaseResult judgeError(VectorCase c, String variant, Throwable thrown, String mutation) {
        ExpectedError e = c.error();
        String wanted = "expected OpException rule '" + e.rule() + "' (torch: " + e.torchMessage() + ")";
        String problem;
        if (thrown == null) {
            problem = "accepted a call PyTorch refuses; " + wanted;
        } else if (thrown instanceof OpException o) {
            problem = o.rule().equals(e.rule()) ? null : "raised rule '" + o.rule() + "' (" + o.getMessage() + "); " + wanted;
        } else {
            problem = "threw " + text(thrown) + "; " + wanted;
        }
        String reason = join(mutation, problem);
        return reason == null ? CaseResult.passed(c, variant, 0, 0, 0) : CaseResult.failed(c, variant, reason);
    }

    private static CaseResult judgeOutputs(VectorCase c, String variant, Map<String, Tensor> inputs, Map<String, Object> outputs,
            Throwable thrown, String mutation) {
        if (thrown != null) {
            String problem = thrown instanceof OpException o
                    ? "refused a valid case with rule '" + o.rule() + "': " + o.getMessage()
                    : threw(thrown);
            return CaseResult.failed(c, variant, join(mutation, problem));
        }
        Map<String, Object> expected;
        try {
            expected = c.readExpected();
        } catch (VectorFormatException e) {
            return CaseResult.failed(c, variant, "unreadable vector file: " + e.getMessage());
        }
        if (outputs == null) {
            return CaseResult.failed(c, variant, join(mutation, "returned no outputs"));
        }
        Comparison cmp = compareOutputs(c, inputs, expected, outputs, "PyTorch");
        List<String> problems = new ArrayList<>();
        if (mutation != null) {
            problems.add(mutation);
        }
        problems.addAll(cmp.problems());
        return problems.isEmpty() ? CaseResult.passed(c, variant, cmp.maxAbs(), cmp.maxUlp(), cmp.toleranceUse())
                : CaseResult.failed(c, variant, String.join("\n", problems), cmp.maxAbs(), cmp.maxUlp(), cmp.toleranceUse(), cmp.worst(), outputs);
    }

    /** How a kernel's outputs compare with the expected ones, output by output, within {@link Tolerances}. */
    record Comparison(List<String> problems, double maxAbs, long maxUlp, double toleranceUse, WorstElement worst) {
    }

    /**
     * Compares every expected output (indices exactly, tensors within {@link Tolerances#forOutput})
     * and flags missing and unexpected outputs; {@code source} names where the expected ones came from.
     */
    static Comparison compareOutputs(VectorCase c, Map<String, Tensor> inputs, Map<String, Object> expected, Map<String, Object> outputs,
            String source) {
        List<String> problems = new ArrayList<>();
        double maxAbs = 0, toleranceUse = 0;
        long maxUlp = 0;
        WorstElement worst = null;
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String name = e.getKey();
            Object actual = outputs.get(name);
            TensorComparison cmp;
            if (actual == null) {
                problems.add(name + ": missing; the op returned " + outputs.keySet());
                continue;
            } else if (e.getValue() instanceof IndexTensor ei) {
                if (!(actual instanceof IndexTensor ai)) {
                    problems.add(name + ": expected int64 indices, got " + actual.getClass().getSimpleName());
                    continue;
                }
                cmp = TensorComparison.compareIndices(name, ei, ai);
            } else {
                Tensor et = (Tensor) e.getValue();
                if (!(actual instanceof Tensor at)) {
                    problems.add(name + ": expected a float32 tensor, got " + actual.getClass().getSimpleName());
                    continue;
                }
                cmp = TensorComparison.compare(name, et, at, Tolerances.forOutput(c, name, inputs, et));
            }
            maxAbs = Math.max(maxAbs, cmp.maxAbsError());
            maxUlp = Math.max(maxUlp, cmp.maxUlpError());
            toleranceUse = Math.max(toleranceUse, cmp.toleranceUse());
            if (!cmp.passed()) {
                problems.add(cmp.problem());
                // The main output's worst element is the most telling; else the first failing output's.
                worst = worst == null || name.equals("output") ? cmp.worst() : worst;
            }
        }
        for (String name : outputs.keySet()) {
            if (!expected.containsKey(name)) {
                problems.add(name + ": an output " + source + " did not produce for this case");
            }
        }
        return new Comparison(problems, maxAbs, maxUlp, toleranceUse, worst);
    }

    @SuppressWarnings("unchecked")
    private static Class<Kernel> kernelType(Operator operator) {
        return (Class<Kernel>) operator.kernelType();
    }

    /** Null if every input still holds its original bits, else which input changed and where. */
    private static String mutation(Map<String, Tensor> inputs, Map<String, float[]> before) {
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            float[] now = e.getValue().buffer(), was = before.get(e.getKey());
            for (int i = 0; i < was.length; i++) {
                if (Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(was[i])) {
                    return "the kernel wrote its input '" + e.getKey() + "': element " + TensorComparison.unflatten(e.getValue().shape(), i)
                            + " was " + was[i] + ", is now " + now[i];
                }
            }
        }
        return null;
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "\n" + b;
    }

    /** What a kernel's call that threw {@code t} did wrong: the exception, or the layout rule a blocked call broke (one line). */
    static String threw(Throwable t) {
        return t instanceof BlockedPath.Violation v ? v.rule() : "threw " + text(t);
    }

    /** The exception and where it came from: enough to find the bug without a debugger. */
    static String text(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] trace = t.getStackTrace();
        for (int i = 0; i < Math.min(3, trace.length); i++) {
            sb.append("\n    at ").append(trace[i]);
        }
        if (t.getCause() != null && t.getCause() != t) {
            sb.append("\n  caused by ").append(t.getCause());
        }
        return sb.toString();
    }
}
