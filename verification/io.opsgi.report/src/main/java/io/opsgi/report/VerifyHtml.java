package io.opsgi.report;

import static io.opsgi.report.Html.esc;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.ConformanceReport;
import io.opsgi.properties.check.PropertyResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A verify run as one self-contained HTML page: provenance, the per-kernel table, then per op a plot
 * of how much of its tolerance each case used (per variant) and the failures with their attributes
 * and repro command, then the properties.
 */
public final class VerifyHtml {
    /** Buckets of error / tolerance: exact, then widening fractions, then missed. */
    static final List<String> BUCKETS = List.of("exact", "< 1%", "1-10%", "10-50%", "50-100%", "missed");

    private VerifyHtml() {
    }

    static int bucket(double use) {
        if (use == 0) {
            return 0;
        }
        return use <= 0.01 ? 1 : use <= 0.1 ? 2 : use <= 0.5 ? 3 : use <= 1 ? 4 : 5;
    }

    public static String of(VerifyRun run) {
        StringBuilder b = new StringBuilder();
        b.append("<p class=\"").append(run.allPassed() ? "pass\">PASSED" : "fail\">FAILED").append("</p>\n<ul>");
        b.append("<li>vectors: ").append(esc(run.vectors())).append(" (PyTorch ").append(esc(run.manifest().torchVersion()))
                .append(", generator seed ").append(run.manifest().seed()).append(")</li>");
        if (run.properties() != null) {
            b.append("<li>property seed: ").append(run.properties().seed()).append(" (replay: <code>--seed ").append(run.properties().seed())
                    .append("</code>)</li>");
        }
        b.append("<li>filters: ").append(run.filters().isEmpty() ? "none" : esc(run.filters())).append("</li></ul>\n");
        kernelTable(b, run.conformance().rows());
        Map<String, List<CaseResult>> byOp = new LinkedHashMap<>();
        run.conformance().results().forEach(r -> byOp.computeIfAbsent(r.op(), k -> new ArrayList<>()).add(r));
        byOp.forEach((op, results) -> op(b, run, op, results));
        if (run.properties() != null) {
            properties(b, run.properties().results());
        }
        return Html.page("opsgi verify", b.toString());
    }

    private static void kernelTable(StringBuilder b, List<ConformanceReport.Row> rows) {
        b.append("<h2>Kernels</h2>\n<table><tr><th>op</th><th>variant</th><th>tolerance</th><th>passed</th><th>failed</th><th>skipped</th>"
                + "<th>max abs error</th><th>max error / tolerance</th></tr>\n");
        for (ConformanceReport.Row r : rows) {
            b.append("<tr><td>").append(esc(r.op())).append("</td><td>").append(esc(r.variant())).append("</td><td>").append(esc(r.tolerance()))
                    .append("</td><td class=n>").append(r.passed()).append("</td><td class=\"n").append(r.failed() > 0 ? " fail" : "").append("\">")
                    .append(r.failed()).append("</td><td class=n>").append(r.skipped()).append("</td><td class=n>")
                    .append(String.format(Locale.ROOT, "%.2e", r.maxAbsError())).append("</td><td class=n>").append(percent(r.maxToleranceUse()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static void op(StringBuilder b, VerifyRun run, String op, List<CaseResult> results) {
        b.append("<h2 id=\"").append(esc(op)).append("\">").append(esc(op)).append("</h2>\n");
        Map<String, List<Integer>> series = new LinkedHashMap<>();
        for (CaseResult r : results) {
            if (r.status() == CaseResult.Status.SKIPPED) {
                continue;
            }
            List<Integer> counts = series.computeIfAbsent(r.variant(), v -> new ArrayList<>(List.of(0, 0, 0, 0, 0, 0)));
            int i = r.failed() ? 5 : bucket(r.toleranceUse());
            counts.set(i, counts.get(i) + 1);
        }
        if (!series.isEmpty()) {
            b.append("<img alt=\"").append(esc(op)).append(": cases per fraction of the tolerance used\" src=\"")
                    .append(Charts.bars(op + ": error as a fraction of the tolerance", "error / tolerance", "cases", BUCKETS, new LinkedHashMap<>(series),
                            720, 280))
                    .append("\">\n");
        }
        List<CaseResult> failures = results.stream().filter(CaseResult::failed).toList();
        List<CaseResult> skipped = results.stream().filter(r -> r.status() == CaseResult.Status.SKIPPED).toList();
        if (!failures.isEmpty()) {
            b.append("<h3 class=fail>").append(failures.size()).append(" failed</h3>\n<table><tr><th>case</th><th>variant</th><th>what went wrong</th>"
                    + "<th>attributes</th><th>repro</th></tr>\n");
            for (CaseResult f : failures) {
                b.append("<tr><td>").append(esc(f.caseName())).append("</td><td>").append(esc(f.variant())).append("</td><td><pre>")
                        .append(esc(f.reason())).append("</pre></td><td><pre>").append(esc(f.attrs())).append("</pre></td><td><code>")
                        .append(esc(run.repro(f))).append("</code></td></tr>\n");
            }
            b.append("</table>\n");
        }
        if (!skipped.isEmpty()) {
            b.append("<details><summary>").append(skipped.size()).append(" skipped</summary><table>");
            for (CaseResult s : skipped) {
                b.append("<tr><td>").append(esc(s.caseName())).append("</td><td>").append(esc(s.variant())).append("</td><td>").append(esc(s.reason()))
                        .append("</td></tr>");
            }
            b.append("</table></details>\n");
        }
    }

    private static void properties(StringBuilder b, List<PropertyResult> results) {
        b.append("<h2>Properties</h2>\n<table><tr><th>property</th><th>status</th><th>tries</th><th>checks</th><th>details</th></tr>\n");
        for (PropertyResult p : results) {
            b.append("<tr><td>").append(esc(p.name())).append("</td><td").append(p.failed() ? " class=fail" : "").append(">").append(p.status())
                    .append("</td><td class=n>").append(p.tries()).append("</td><td class=n>").append(p.checks()).append("</td><td><pre>")
                    .append(p.failed() ? esc(p.describe()) : "").append("</pre></td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static String percent(double use) {
        return Double.isInfinite(use) ? "inf" : String.format(Locale.ROOT, "%.1f%%", use * 100);
    }
}
