package io.opsgi.conformance;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one case against one kernel.
 *
 * @param reason      why it failed or was skipped (null when it passed)
 * @param maxAbsError largest absolute error over the float outputs (0 for an error case)
 * @param maxUlpError largest ulp distance over the float outputs
 * @param toleranceUse the largest error as a fraction of the allowed error (0.5: half the tolerance used; above 1: missed)
 * @param worst       for a failure on values, the element that missed by the most
 * @param attrs       the case's attributes, so that a failure reads like a bug report
 * @param actual      for a failure on values, what the kernel produced (tensors), to save beside a report; empty otherwise
 */
public record CaseResult(String caseName, String op, String variant, Status status, String reason, double maxAbsError, long maxUlpError,
        double toleranceUse, WorstElement worst, Map<String, Object> attrs, @JsonIgnore Map<String, Object> actual) {

    public enum Status {
        PASSED, FAILED, SKIPPED
    }

    public CaseResult {
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        actual = Collections.unmodifiableMap(new LinkedHashMap<>(actual));
    }

    static CaseResult passed(VectorCase c, String variant, double maxAbsError, long maxUlpError, double toleranceUse) {
        return new CaseResult(c.name(), c.op(), variant, Status.PASSED, null, maxAbsError, maxUlpError, toleranceUse, null, c.attrs(), Map.of());
    }

    static CaseResult failed(VectorCase c, String variant, String reason, double maxAbsError, long maxUlpError, double toleranceUse,
            WorstElement worst, Map<String, Object> actual) {
        return new CaseResult(c.name(), c.op(), variant, Status.FAILED, reason, maxAbsError, maxUlpError, toleranceUse, worst, c.attrs(), actual);
    }

    static CaseResult failed(VectorCase c, String variant, String reason) {
        return failed(c, variant, reason, 0, 0, 0, null, Map.of());
    }

    static CaseResult skipped(VectorCase c, String variant, String reason) {
        return new CaseResult(c.name(), c.op(), variant, Status.SKIPPED, reason, 0, 0, 0, null, c.attrs(), Map.of());
    }

    public boolean passed() {
        return status == Status.PASSED;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }


    /** A self-contained account, e.g. for an assertion message: case, kernel, status, reason, attributes. */
    public String describe() {
        StringBuilder sb = new StringBuilder(caseName).append(" on ").append(op).append('/').append(variant).append(": ").append(status);
        if (reason != null) {
            sb.append("\n  ").append(reason.replace("\n", "\n  "));
        }
        if (worst != null && (reason == null || !reason.contains(worst.toString()))) {
            sb.append("\n  worst element: ").append(worst);
        }
        return sb.append("\n  attrs: ").append(attrs).toString();
    }
}
