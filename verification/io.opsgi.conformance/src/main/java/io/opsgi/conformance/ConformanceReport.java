package io.opsgi.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.opsgi.text.TextTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Case results aggregated per (op, variant): counts, the largest errors seen, and the failing
 * cases. Thread-safe, so kernels may be replayed in parallel into one report.
 */
public final class ConformanceReport {
    /** Variant shown for an op no kernel serves. */
    public static final String NO_KERNEL = "-";
    private static final int FAILING_NAMES_IN_TABLE = 3;

    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final List<CaseResult> results = new ArrayList<>();

    /**
     * One line of the report.
     *
     * @param tolerance the kind of tolerance the op is held to ({@link Tolerances#describe})
     * @param maxAbsError largest absolute error over the cases that ran (infinity: a NaN/inf mismatch or a wrong shape)
     * @param maxToleranceUse largest error as a fraction of the case's tolerance (above 1: missed)
     */
    public record Row(String op, String variant, String tolerance, int passed, int failed, int skipped, double maxAbsError, long maxUlpError,
            double maxToleranceUse, List<String> failingCases) {
        public Row {
            failingCases = List.copyOf(failingCases);
        }

        public int cases() {
            return passed + failed + skipped;
        }

        /** e.g. {@code conv2d/direct: 141 passed, 0 failed, 0 skipped; max abs 3.1e-06, max 12 ulp}. */
        public String summary() {
            return String.format(Locale.ROOT, "%s/%s: %d passed, %d failed, %d skipped; max abs %.2g, max %d ulp%s", op, variant, passed, failed,
                    skipped, maxAbsError, maxUlpError, failingCases.isEmpty() ? "" : "; failing " + failingCases);
        }
    }

    private static final class Tally {
        final String op, variant;
        int passed, failed, skipped;
        double maxAbs, maxUse;
        long maxUlp;
        final List<String> failing = new ArrayList<>();

        Tally(String op, String variant) {
            this.op = op;
            this.variant = variant;
        }

        Row row() {
            String tolerance;
            try {
                tolerance = Tolerances.describe(op);
            } catch (IllegalArgumentException e) {
                tolerance = "none defined";
            }
            return new Row(op, variant, tolerance, passed, failed, skipped, maxAbs, maxUlp, maxUse, failing);
        }
    }

    public synchronized void add(CaseResult r) {
        results.add(r);
        Tally t = tally(r.op(), r.variant());
        switch (r.status()) {
            case PASSED -> t.passed++;
            case FAILED -> {
                t.failed++;
                t.failing.add(r.caseName());
            }
            case SKIPPED -> t.skipped++;
        }
        if (r.status() != CaseResult.Status.SKIPPED) {
            t.maxAbs = Math.max(t.maxAbs, r.maxAbsError());
            t.maxUlp = Math.max(t.maxUlp, r.maxUlpError());
            t.maxUse = Math.max(t.maxUse, r.toleranceUse());
        }
    }

    /** Records that no kernel serves {@code op}: its cases count as skipped. */
    public synchronized void addUncovered(String op, int cases) {
        tally(op, NO_KERNEL).skipped += cases;
    }

    private Tally tally(String op, String variant) {
        return tallies.computeIfAbsent(op + "/" + variant, k -> new Tally(op, variant));
    }

    public synchronized Row row(String op, String variant) {
        Tally t = tallies.get(op + "/" + variant);
        return t == null ? new Row(op, variant, Tolerances.describe(op), 0, 0, 0, 0, 0, 0, List.of()) : t.row();
    }

    /** In the order ops and variants were first reported. */
    public synchronized List<Row> rows() {
        return tallies.values().stream().map(Tally::row).toList();
    }

    public synchronized List<CaseResult> results() {
        return List.copyOf(results);
    }

    public synchronized List<CaseResult> failures() {
        return results.stream().filter(CaseResult::failed).toList();
    }

    /** True if no case failed and every op has a kernel. */
    public synchronized boolean allPassed() {
        return rows().stream().allMatch(r -> r.failed() == 0 && !r.variant().equals(NO_KERNEL));
    }

    /** Plain-text columns, one line per (op, variant), then the totals. */
    public synchronized String toTable() {
        TextTable t = TextTable.withHeader("op", "variant", "tolerance", "passed", "failed", "skipped", "max abs err", "max ulp", "failing cases");
        int passed = 0, failed = 0, skipped = 0;
        for (Row r : rows()) {
            passed += r.passed();
            failed += r.failed();
            skipped += r.skipped();
            t.row(r.op(), r.variant(), r.tolerance(), r.passed(), r.failed(), r.skipped(), abs(r.maxAbsError()), r.maxUlpError(),
                    failing(r.failingCases()));
        }
        return t.rule().row("total", "", "", passed, failed, skipped).toText();
    }

    /** The rows, every failure with its reason and worst element, and every case's result, as pretty-printed JSON. */
    public synchronized String toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rows", rows());
        doc.put("failures", failures());
        doc.put("cases", results());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("conformance report: cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String abs(double v) {
        return Double.isInfinite(v) ? "inf" : v == 0 ? "0" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String failing(List<String> names) {
        if (names.size() <= FAILING_NAMES_IN_TABLE) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, FAILING_NAMES_IN_TABLE)) + " (+" + (names.size() - FAILING_NAMES_IN_TABLE) + " more)";
    }
}
