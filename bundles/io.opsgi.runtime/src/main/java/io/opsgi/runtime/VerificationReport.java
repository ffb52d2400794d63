package io.opsgi.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of verifying one kernel: the gate's (on arrival, on demand) or a call's (a kernel that
 * failed a caller is quarantined with the case that showed it).
 *
 * @param passed  whether the kernel may serve
 * @param summary one line, e.g. {@code 141 vector cases and 141 differential cases passed}
 * @param details the failing cases, each naming the case and what was wrong; empty when it passed
 * @param at      when the verdict was reached
 * @param took    how long verification ran
 */
public record VerificationReport(boolean passed, String summary, List<String> details, Instant at, Duration took) {
    public VerificationReport {
        details = List.copyOf(details);
    }

    public static VerificationReport passed(String summary, Duration took) {
        return new VerificationReport(true, summary, List.of(), Instant.now(), took);
    }

    public static VerificationReport failed(String summary, List<String> details, Duration took) {
        return new VerificationReport(false, summary, details, Instant.now(), took);
    }

    /** The summary and every detail, one per paragraph. */
    public String text() {
        StringBuilder sb = new StringBuilder(passed ? "passed: " : "failed: ").append(summary);
        sb.append(" (").append(took.toMillis()).append(" ms, ").append(at).append(')');
        for (String d : details) {
            sb.append(System.lineSeparator()).append("  - ").append(d.replace("\n", System.lineSeparator() + "    "));
        }
        return sb.toString();
    }
}
