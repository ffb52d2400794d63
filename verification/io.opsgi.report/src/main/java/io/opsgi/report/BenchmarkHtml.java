package io.opsgi.report;

import static io.opsgi.report.Html.esc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark run as one HTML page: per workload the ratio table (best peer's time / variant's time,
 * above 1: opsgi faster) and a bar chart of every variant and peer per thread count. The benchmark
 * harness calls it with its rows; this class computes nothing but the ratios.
 */
public final class BenchmarkHtml {
    /**
     * One timed trial.
     *
     * @param implementation an opsgi variant (e.g. {@code gemm}) or a peer (e.g. {@code PyTorch})
     * @param peer           true for ONNX Runtime, PyTorch and other non-opsgi implementations
     */
    public record Timing(String workload, String implementation, boolean peer, int threads, double medianMillis) {
    }

    private BenchmarkHtml() {
    }

    /** @param notes lines shown under the title: command, machine, JDK, load */
    public static String of(String title, List<String> notes, List<Timing> timings) {
        StringBuilder b = new StringBuilder("<ul>");
        notes.forEach(n -> b.append("<li>").append(esc(n)).append("</li>"));
        b.append("</ul>\n<p>ratio = best peer's time / this time (&gt; 1: opsgi is faster), at the same thread count.</p>\n");
        Map<String, List<Timing>> byWorkload = new LinkedHashMap<>();
        timings.forEach(t -> byWorkload.computeIfAbsent(t.workload(), w -> new ArrayList<>()).add(t));
        byWorkload.forEach((w, ts) -> workload(b, w, ts));
        return Html.page(title, b.toString());
    }

    /** Best peer's median over this implementation's, or NaN where no peer ran at that thread count. */
    static double ratio(List<Timing> workload, Timing t) {
        double bestPeer = workload.stream().filter(p -> p.peer() && p.threads() == t.threads()).mapToDouble(Timing::medianMillis).min().orElse(Double.NaN);
        return bestPeer / t.medianMillis();
    }

    private static void workload(StringBuilder b, String workload, List<Timing> ts) {
        Set<String> implementations = new LinkedHashSet<>();
        Set<Integer> threads = new LinkedHashSet<>();
        ts.forEach(t -> {
            implementations.add(t.implementation());
            threads.add(t.threads());
        });
        b.append("<h2>").append(esc(workload)).append("</h2>\n<table><tr><th>implementation</th>");
        threads.forEach(n -> b.append("<th>").append(n).append("t ms</th><th>").append(n).append("t ratio</th>"));
        b.append("</tr>\n");
        Map<String, List<Double>> series = new LinkedHashMap<>();
        threads.forEach(n -> series.put(n + " thread" + (n == 1 ? "" : "s"), new ArrayList<>()));
        for (String impl : implementations) {
            boolean peer = ts.stream().anyMatch(t -> t.implementation().equals(impl) && t.peer());
            b.append("<tr><td>").append(peer ? "<i>" + esc(impl) + "</i>" : esc(impl)).append("</td>");
            for (int n : threads) {
                Timing t = ts.stream().filter(x -> x.implementation().equals(impl) && x.threads() == n).findFirst().orElse(null);
                series.get(n + " thread" + (n == 1 ? "" : "s")).add(t == null ? 0.0 : t.medianMillis());
                if (t == null) {
                    b.append("<td></td><td></td>");
                    continue;
                }
                double r = ratio(ts, t);
                b.append("<td class=n>").append(String.format(Locale.ROOT, "%.3f", t.medianMillis())).append("</td><td class=n>")
                        .append(peer || Double.isNaN(r) ? "" : String.format(Locale.ROOT, "%.2f", r)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n<img alt=\"").append(esc(workload)).append(": median ms per implementation\" src=\"")
                .append(Charts.bars(workload + ": median ms per call (lower is faster)", "implementation", "ms", new ArrayList<>(implementations),
                        new LinkedHashMap<>(series), 720, 300))
                .append("\">\n");
    }
}
