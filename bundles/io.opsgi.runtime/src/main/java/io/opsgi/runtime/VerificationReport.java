package io.opsgi.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The outcome of verifying one kernel: the gate's (on arrival, on demand) or a call's (a kernel that
 * failed a caller is quarantined with the case that showed it).
 *
 * @param passed      whether the kernel may serve
 * @param summary     one line, e.g. {@code 141 vector cases and 141 differential cases passed}
 * @param details     the failing cases, each naming the case and what was wrong; empty when it passed
 * @param at          when the verdict was reached
 * @param took        how long verification ran
 * @param opSummaries per op the kernel serves, that op's own line (a kernel serving 18 activations
 *                    reports each op's counts, not the bundle's); ops absent here read {@link #summary}
 * @param timings     median call times the gate measured on the op's representative workloads, for the
 *                    kernel verified and for the kernels it was timed against in the same run
 */
public record VerificationReport(boolean passed, String summary, List<String> details, Instant at, Duration took,
        Map<String, String> opSummaries, List<Timing> timings) {

    /**
     * One median time: {@code variant} on {@code workload}, a call of {@code op} in geometry class
     * {@code geometryClass} ({@code io.opsgi.op.GeometryClass}), over {@code runs} timed runs after a
     * warm-up; {@code work} is the workload's kernel work ({@code io.opsgi.runtime.chain.KernelChain#work},
     * 0 if not known), which live calls' deadlines scale by.
     */
    public record Timing(String op, String geometryClass, String workload, String variant, long medianNanos, int runs, long work) {
        /** A timing whose work is not known. */
        public Timing(String op, String geometryClass, String workload, String variant, long medianNanos, int runs) {
            this(op, geometryClass, workload, variant, medianNanos, runs, 0);
        }
    }

    public VerificationReport {
        details = List.copyOf(details);
        opSummaries = Map.copyOf(opSummaries);
        timings = List.copyOf(timings);
    }

    public VerificationReport(boolean passed, String summary, List<String> details, Instant at, Duration took) {
        this(passed, summary, details, at, took, Map.of(), List.of());
    }

    public static VerificationReport passed(String summary, Duration took) {
        return new VerificationReport(true, summary, List.of(), Instant.now(), took);
    }

    public static VerificationReport failed(String summary, List<String> details, Duration took) {
        return new VerificationReport(false, summary, details, Instant.now(), took);
    }

    /** This report with per-op lines and measured times. */
    public VerificationReport with(Map<String, String> opSummaries, List<Timing> timings) {
        return new VerificationReport(passed, summary, details, at, took, opSummaries, timings);
    }

    /** The line for {@code op}: its own counts if the verifier gave them, else the whole summary. */
    public String summary(String op) {
        return opSummaries.getOrDefault(op, summary);
    }

    /**
     * The median time measured for {@code variant} on calls of {@code op} in {@code geometryClass}
     * (the largest over that class's workloads, so a deadline derived from it covers them all).
     */
    public OptionalLong measuredNanos(String op, String geometryClass, String variant) {
        return timings.stream().filter(t -> t.op().equals(op) && t.geometryClass().equals(geometryClass) && t.variant().equals(variant))
                .mapToLong(Timing::medianNanos).max();
    }

    /** The summary and every detail, one per paragraph. */
    public String text() {
        StringBuilder sb = new StringBuilder(passed ? "passed: " : "failed: ").append(summary);
        sb.append(" (").append(took.toMillis()).append(" ms, ").append(at).append(')');
        for (String d : details) {
            sb.append(System.lineSeparator()).append("  - ").append(d.replace("\n", System.lineSeparator() + "    "));
        }
        if (!timings.isEmpty()) {
            sb.append(System.lineSeparator()).append("  measured (median per call):");
            for (Timing t : timings) {
                sb.append(System.lineSeparator()).append(String.format(java.util.Locale.ROOT, "    %s %s %s: %s %s (%d runs)", t.op(),
                        t.geometryClass(), t.workload(), t.variant(), millis(t.medianNanos()), t.runs()));
            }
        }
        return sb.toString();
    }

    /** Nanoseconds as milliseconds with three significant digits, e.g. {@code 0.412 ms}, {@code 38.1 ms}. */
    public static String millis(long nanos) {
        double ms = nanos / 1e6;
        return (ms >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", ms) : ms >= 10 ? String.format(java.util.Locale.ROOT, "%.1f", ms)
                : ms >= 1 ? String.format(java.util.Locale.ROOT, "%.2f", ms) : String.format(java.util.Locale.ROOT, "%.3f", ms)) + " ms";
    }
}
