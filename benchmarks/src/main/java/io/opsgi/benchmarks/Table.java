package io.opsgi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.report.BenchmarkHtml;
import io.opsgi.text.TextTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assembles one run's results (JMH JSON per trial, PyTorch's JSON, the pre-check verdicts) into the
 * Markdown report: a summary per workload (best opsgi variant against the best peer), every variant
 * and peer at every thread count, batch-8 over batch-1 costs, and what was not timed and why.
 * Also a main of its own, to redo the table from a run directory: {@code Table <run-dir>}.
 */
public final class Table {
    static final String ORT = "ORT";
    static final String TORCH = "PyTorch";

    /** The report as Markdown and as an HTML page with charts, and what the run was, for the file names. */
    record Report(String markdown, String html, String date, String host) {
        /** E.g. {@code 2026-11-21-vm.md}; the HTML page has the same name ending in {@code .html}. */
        String fileName(boolean quick, boolean partial) {
            return date + "-" + host + (quick ? "-quick" : "") + (partial ? "-partial" : "") + ".md";
        }
    }

    private final JsonNode run;
    private final JsonNode precheck;
    private final List<Workload> workloads = new ArrayList<>();
    private final List<Integer> threads = new ArrayList<>();
    /** workload -> who (variant, ORT, PyTorch) -> threads -> median ms. */
    private final Map<String, Map<String, Map<Integer, Double>>> ms = new HashMap<>();
    /** CopyBench: threads -> bytes per array -> best median ms of its copy methods. */
    private final Map<Integer, Map<Integer, Double>> copyMs = new java.util.TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    /** threads -> the FMA ceiling measured in this run ({@link FmaPeak}), GFLOP/s summed over the threads. */
    private final Map<Integer, Double> peak = new HashMap<>();
    private String torchVersion = "";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Table <run-dir>   (benchmarks/target/run-*)");
            System.exit(2);
        }
        System.out.println(assemble(new WorkDir(Path.of(args[0]), null)).markdown());
    }

    private Table(WorkDir dir) throws IOException {
        ObjectMapper m = new ObjectMapper();
        run = m.readTree(dir.runInfo().toFile());
        precheck = Files.isRegularFile(dir.precheck()) ? m.readTree(dir.precheck().toFile()) : m.createObjectNode();
        Workloads all = Workloads.load(Path.of(run.path("workloads_file").asText()));
        run.path("workloads").forEach(id -> workloads.add(all.get(id.asText())));
        run.path("threads").forEach(t -> threads.add(t.asInt()));
        readJmh(m, dir.jmh());
        readPeak(m, dir.peak());
        if (Files.isRegularFile(dir.torchResults())) {
            JsonNode t = m.readTree(dir.torchResults().toFile());
            torchVersion = t.path("version").asText();
            for (JsonNode r : t.path("results")) {
                put(r.path("workload").asText(), TORCH, r.path("threads").asInt(), r.path("median_ms").asDouble());
                if (!"ok".equals(r.path("check").asText())) {
                    notes.add("PyTorch on " + r.path("workload").asText() + " at " + r.path("threads").asInt() + "t: " + r.path("check").asText());
                }
            }
        }
    }

    static Report assemble(WorkDir dir) {
        try {
            return new Table(dir).render();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the results in " + dir.root() + ": " + e.getMessage(), e);
        }
    }

    private void readJmh(ObjectMapper m, Path jmhDir) throws IOException {
        forEachResult(m, jmhDir, "ms/op", (f, r) -> {
            JsonNode p = r.path("params");
            int t = p.path("threads").asInt();
            double median = r.path("primaryMetric").path("scorePercentiles").path("50.0").asDouble();
            if (r.path("benchmark").asText().contains(".CopyBench.")) {
                copyMs.computeIfAbsent(t, k -> new java.util.TreeMap<>()).merge(p.path("bytes").asInt(), median, Math::min);
            } else if (r.path("benchmark").asText().endsWith("OrtBench.run")) {
                put(p.path("workload").asText(), ORT, t, median);
            } else {
                String[] wv = p.path("target").asText().split(":", 2);
                put(wv[0], wv[1], t, median);
            }
        });
    }

    /** {@link FmaPeak}'s results: JMH throughput with one operation per flop of one lane. */
    private void readPeak(ObjectMapper m, Path peakDir) throws IOException {
        forEachResult(m, peakDir, "ops/s",
                (f, r) -> peak.put(r.path("threads").asInt(), r.path("primaryMetric").path("score").asDouble() * FmaPeak.lanes() / 1e9));
    }

    /** Every JMH result in the JSON files of {@code dir} (none if it does not exist), each checked to be in {@code unit}. */
    private static void forEachResult(ObjectMapper m, Path dir, String unit, java.util.function.BiConsumer<Path, JsonNode> body) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                for (JsonNode r : m.readTree(f.toFile())) {
                    if (!unit.equals(r.path("primaryMetric").path("scoreUnit").asText())) {
                        throw new IllegalStateException(f + ": expected " + unit + ", got " + r.path("primaryMetric").path("scoreUnit"));
                    }
                    body.accept(f, r);
                }
            }
        }
    }

    private void put(String workload, String who, int t, double median) {
        ms.computeIfAbsent(workload, k -> new LinkedHashMap<>()).computeIfAbsent(who, k -> new HashMap<>()).put(t, median);
    }

    private Double time(String workload, String who, int t) {
        return ms.getOrDefault(workload, Map.of()).getOrDefault(who, Map.of()).get(t);
    }

    /** The opsgi variants of a workload in pre-check order (highest ranking first), with their status. */
    private Map<String, JsonNode> variants(String workload) {
        Map<String, JsonNode> v = new LinkedHashMap<>();
        precheck.path(workload).path("variants").fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue()));
        return v;
    }

    /** The same run as {@link BenchmarkHtml} draws it: ratio tables and bar charts (XChart) per workload, from {@link #ms}. */
    private String html(String date, String host) {
        List<BenchmarkHtml.Timing> timings = new ArrayList<>();
        for (Workload w : workloads) {
            ms.getOrDefault(w.id(), Map.of()).forEach((who, byThreads) -> new java.util.TreeMap<>(byThreads).forEach((t, median) ->
                    timings.add(new BenchmarkHtml.Timing(w.id(), who, who.equals(ORT) || who.equals(TORCH), t, median))));
        }
        List<String> notes = List.of("command: " + run.path("command").asText(), "machine: " + cpu() + ", load average "
                + run.path("load_at_start").asText("?") + " when the run began", "JDK: " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), "median ms per call; the Markdown report beside this page has every detail");
        return BenchmarkHtml.of("opsgi kernels against ONNX Runtime and PyTorch: " + date + ", " + host, notes, timings);
    }

    private record Best(String who, double ms) {
    }

    private Best bestOpsgi(String workload, int t) {
        Best best = null;
        for (String v : variants(workload).keySet()) {
            Double x = time(workload, v, t);
            if (x != null && (best == null || x < best.ms)) {
                best = new Best(v, x);
            }
        }
        return best;
    }

    private Best bestPeer(String workload, int t, boolean ortOnly) {
        Best best = null;
        for (String p : ortOnly ? List.of(ORT) : List.of(ORT, TORCH)) {
            Double x = time(workload, p, t);
            if (x != null && (best == null || x < best.ms)) {
                best = new Best(p, x);
            }
        }
        return best;
    }

    /** Issue 6's speed targets, as peer time / opsgi time: >= 0.5 for convolutions (conv_transpose2d against ONNX Runtime), >= 1.0 for the memory-bound ops. */
    private static double target(String op) {
        return switch (op) {
            case "conv2d", "conv_transpose2d" -> 0.5;
            default -> Workload.MEMORY_BOUND.contains(op) ? 1.0 : Double.NaN;
        };
    }

    private Report render() {
        String host = hostName();
        Instant start = Instant.parse(run.path("start").asText(Instant.now().toString()));
        String date = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneId.systemDefault()).format(start);
        StringBuilder md = new StringBuilder();
        md.append("# opsgi kernels against ONNX Runtime and PyTorch: ").append(date).append(", ").append(host).append("\n\n");
        md.append("- Command: `").append(run.path("command").asText()).append("` (").append(run.path("mode").asText()).append(" mode), started ")
                .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(ZoneId.systemDefault()).format(start)).append("\n");
        md.append("- Machine: ").append(cpu()).append("; ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append("; load average ").append(run.path("load_at_start").asText("?")).append(" when the run began\n");
        if (run.path("contended_trials").asInt(0) > 0) {
            md.append("- **Noisy:** ").append(run.path("contended_trials").asInt()).append(" JMH trials ran while another JMH run held the lock on this machine; "
                    + "compare with peers of the same run only, and rerun on a quiet machine for final numbers.\n");
        }
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append("; peers: ONNX Runtime ").append(run.path("ort_version").asText("-")).append(" (Java API, same JVM), PyTorch ")
                .append(torchVersion.isEmpty() ? "-" : torchVersion).append(" (/usr/bin/python3)\n");
        md.append("- Threads: ").append(threads).append(" (opsgi `Parallel.setThreads`, ORT intra-op threads, `torch.set_num_threads`)\n");
        md.append("- Method: median ms per call. ").append(run.path("jmh").asText())
                .append("; PyTorch: warm-up, then every call timed for the same budget, median. Outputs are allocated once (ORT: pinned output).\n");
        md.append("- ratio = best peer's time / opsgi time (> 1: opsgi is faster); GFLOP/s from workloads.json's flops.\n");
        if (run.path("mode").asText().equals("quick")) {
            md.append("- **Quick mode: a smoke test** (one JVM for every trial, short warm-up): the numbers are indicative only; "
                    + "quote a full run (`benchmarks/run`).\n");
        }
        md.append('\n');

        summary(md);
        againstPeak(md);
        detail(md);
        memory(md);
        batch(md);
        untimed(md);
        return new Report(md.toString(), html(date, host), date, host);
    }

    private void summary(StringBuilder md) {
        md.append("## Summary: best opsgi variant against the best peer\n\n");
        List<String> head = new ArrayList<>(List.of("workload", "MFLOP"));
        for (int t : threads) {
            head.addAll(List.of(t + "t opsgi ms", t + "t peer ms", t + "t ratio"));
        }
        if (threads.size() > 1) {
            head.add(threads.get(threads.size() - 1) + "t/" + threads.get(0) + "t");
        }
        head.add("target");
        List<List<String>> rows = new ArrayList<>();
        for (Workload w : workloads) {
            List<String> row = new ArrayList<>(List.of(w.id(), String.format(Locale.ROOT, "%.4g", w.flops() / 1e6)));
            boolean met = true, any = false;
            double target = target(w.op());
            for (int t : threads) {
                Best o = bestOpsgi(w.id(), t), p = bestPeer(w.id(), t, false);
                row.add(o == null ? "-" : ms(o.ms) + " " + o.who);
                row.add(p == null ? "-" : ms(p.ms) + " " + p.who);
                row.add(o == null || p == null ? "-" : ratio(p.ms / o.ms));
                Best judge = bestPeer(w.id(), t, w.op().equals("conv_transpose2d"));
                if (o != null && judge != null) {
                    any = true;
                    met &= judge.ms / o.ms >= target;
                }
            }
            if (threads.size() > 1) {
                // Scaling of the variant that is best at the most threads.
                Best top = bestOpsgi(w.id(), threads.get(threads.size() - 1));
                Double one = top == null ? null : time(w.id(), top.who, threads.get(0));
                row.add(one == null ? "-" : String.format(Locale.ROOT, "%.2f", one / top.ms));
            }
            row.add(Double.isNaN(target) || !any ? "-"
                    : String.format(Locale.ROOT, ">= %.1f%s: %s", target, w.op().equals("conv_transpose2d") ? " of ORT" : "", met ? "met" : "NOT met"));
            rows.add(row);
        }
        table(md, head, rows, 1);
        md.append("\nTargets (issue 6): convolutions >= 0.5 of the best peer (aim 0.8 on ResNet 3x3), conv_transpose2d >= 0.5 of ONNX Runtime, "
                + "pooling, batch norm and ReLU >= 1.0, at every thread count; 2 threads >= 1.7x 1 thread on the big convs.\n\n");
    }

    /** 3x3 convolutions (groups 1) in GFLOP/s as a share of the FMA ceiling measured in this run, opsgi's best and the peers. */
    private void againstPeak(StringBuilder md) {
        if (peak.isEmpty()) {
            return;
        }
        md.append("## 3x3 convolutions against this machine's FMA peak\n\n");
        md.append("FMA peak measured in this run (`FmaPeak`: ").append(FmaPeak.CHAINS).append(" independent FMA chains on the Vector API, JMH): ");
        List<String> p = new ArrayList<>();
        new java.util.TreeMap<>(peak).forEach((t, g) -> p.add(String.format(Locale.ROOT, "%.1f GFLOP/s on %d thread%s (%.1f per thread)", g, t,
                t == 1 ? "" : "s", g / t)));
        md.append(String.join(", ", p)).append(".\n\n");
        List<String> head = new ArrayList<>(List.of("workload"));
        for (int t : threads) {
            head.addAll(List.of(t + "t opsgi GFLOP/s", t + "t opsgi % of peak", t + "t ORT %", t + "t PyTorch %"));
        }
        List<List<String>> rows = new ArrayList<>();
        for (Workload w : workloads) {
            if (!w.op().equals("conv2d") || w.integer("kh") != 3 || w.integer("kw") != 3 || w.integer("groups", 1) != 1) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(w.id()));
            for (int t : threads) {
                Best o = bestOpsgi(w.id(), t);
                Double g = peak.get(t), ort = time(w.id(), ORT, t), torch = time(w.id(), TORCH, t);
                row.add(o == null ? "-" : String.format(Locale.ROOT, "%.1f %s", w.flops() / (o.ms * 1e6), o.who));
                row.add(share(w, o == null ? null : o.ms, g));
                row.add(share(w, ort, g));
                row.add(share(w, torch, g));
            }
            rows.add(row);
        }
        table(md, head, rows, 1);
        md.append("\nTarget (issue 17): 3x3 convolutions at >= 85% of the FMA peak per core.\n\n");
    }

    private static String share(Workload w, Double ms, Double peakGflops) {
        return ms == null || peakGflops == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * w.flops() / (ms * 1e6) / peakGflops);
    }

    private void detail(StringBuilder md) {
        md.append("## Every variant and peer\n\n");
        List<String> head = new ArrayList<>(List.of("workload", "variant"));
        for (int t : threads) {
            head.addAll(List.of(t + "t ms", t + "t GFLOP/s", t + "t ratio"));
        }
        if (threads.size() > 1) {
            head.add(threads.get(threads.size() - 1) + "t/" + threads.get(0) + "t");
        }
        List<List<String>> rows = new ArrayList<>();
        for (Workload w : workloads) {
            List<String> who = new ArrayList<>(variants(w.id()).keySet());
            who.addAll(List.of(ORT, TORCH));
            for (String v : who) {
                boolean peer = v.equals(ORT) || v.equals(TORCH);
                JsonNode status = peer ? null : variants(w.id()).get(v);
                if (status != null && status.path("status").asText().equals("unsupported")) {
                    continue; // listed once under "Not timed"
                }
                List<String> row = new ArrayList<>(List.of(w.id(), peer ? "*" + v + "*" : v));
                boolean anyTime = false;
                for (int t : threads) {
                    Double x = time(w.id(), v, t);
                    Best p = bestPeer(w.id(), t, false);
                    anyTime |= x != null;
                    row.add(x == null ? untimedMark(status) : ms(x));
                    row.add(x == null || w.flops() == 0 ? "" : String.format(Locale.ROOT, "%.1f", w.flops() / (x * 1e6)));
                    row.add(x == null || p == null || peer ? "" : ratio(p.ms / x));
                }
                if (threads.size() > 1) {
                    Double a = time(w.id(), v, threads.get(0)), b = time(w.id(), v, threads.get(threads.size() - 1));
                    row.add(a == null || b == null ? "" : String.format(Locale.ROOT, "%.2f", a / b));
                }
                if (anyTime || !peer) {
                    rows.add(row);
                }
            }
        }
        table(md, head, rows);
        md.append('\n');
    }

    /** Copy bandwidth in GB/s (bytes read + written / time) of arrays of {@code bytes} at {@code t} threads, or null if not timed. */
    private Double copyGbs(int t, int bytes) {
        Double x = copyMs.getOrDefault(t, Map.of()).get(bytes);
        return x == null ? null : 2.0 * bytes / (x * 1e6);
    }

    /**
     * The memory-bound ops' GB/s (workloads.json's bytes read + written per call / median time) against
     * the copy bandwidth measured in the same run ({@link CopyBench}) on arrays of the workloads' size.
     */
    private void memory(StringBuilder md) {
        List<Workload> bound = workloads.stream().filter(w -> w.memoryBound() && w.bytes() > 0).toList();
        if (bound.isEmpty() || copyMs.isEmpty()) {
            return;
        }
        int near = Integer.parseInt(CopyBench.WORKLOAD_SIZE), far = Integer.parseInt(CopyBench.BEYOND_CACHES);
        md.append("## Memory-bound ops against this machine's copy bandwidth\n\n");
        md.append("Copy bandwidth (`CopyBench` in the same run: one float array into another, one part per intra-op thread, "
                + "best of `System.arraycopy` and a Vector API loop; GB/s = bytes read + written / median time):\n\n");
        for (int t : threads) {
            Double a = copyGbs(t, near), b = copyGbs(t, far);
            md.append(String.format(Locale.ROOT, "- %dt: %s GB/s on %.1f MB arrays (the workloads' size), %s GB/s on %d MB arrays (beyond the caches)\n", t,
                    a == null ? "-" : String.format(Locale.ROOT, "%.1f", a), near / 1e6, b == null ? "-" : String.format(Locale.ROOT, "%.1f", b), far >> 20));
        }
        md.append('\n');
        List<String> head = new ArrayList<>(List.of("workload", "variant", "MB/call"));
        for (int t : threads) {
            head.addAll(List.of(t + "t ms", t + "t GB/s", t + "t of copy"));
        }
        List<List<String>> rows = new ArrayList<>();
        for (Workload w : bound) {
            List<String> who = new ArrayList<>(variants(w.id()).keySet());
            who.addAll(List.of(ORT, TORCH));
            for (String v : who) {
                boolean peer = v.equals(ORT) || v.equals(TORCH);
                if (threads.stream().allMatch(t -> time(w.id(), v, t) == null)) {
                    continue;
                }
                List<String> row = new ArrayList<>(List.of(w.id(), peer ? "*" + v + "*" : v, String.format(Locale.ROOT, "%.2f", w.bytes() / 1e6)));
                for (int t : threads) {
                    Double x = time(w.id(), v, t), copy = copyGbs(t, near);
                    double gbs = x == null ? Double.NaN : w.bytes() / (x * 1e6);
                    row.add(x == null ? "-" : ms(x));
                    row.add(x == null ? "" : String.format(Locale.ROOT, "%.1f", gbs));
                    row.add(x == null || copy == null ? "" : String.format(Locale.ROOT, "%.2f", gbs / copy));
                }
                rows.add(row);
            }
        }
        table(md, head, rows);
        md.append("\n\"of copy\" = the op's GB/s / the copy bandwidth on the workloads' size at the same thread count; a pool reads more than it "
                + "writes, so its ceiling sits between copy and pure read bandwidth.\n\n");
    }

    private static String untimedMark(JsonNode status) {
        if (status == null) {
            return "-";
        }
        return switch (status.path("status").asText()) {
            case "failed" -> "FAILED";
            case "unsupported" -> "n/a";
            default -> "error";
        };
    }

    private void batch(StringBuilder md) {
        List<List<String>> rows = new ArrayList<>();
        for (Workload w : workloads) {
            String one = w.batchOneTwin();
            if (one == null || workloads.stream().noneMatch(x -> x.id().equals(one))) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(w.id()));
            for (int t : threads) {
                Best b8 = bestOpsgi(w.id(), t), b1 = bestOpsgi(one, t);
                row.add(b8 == null || b1 == null ? "-" : String.format(Locale.ROOT, "%.2f (%s / %s)", b8.ms / b1.ms, ms(b8.ms), ms(b1.ms)));
            }
            for (String p : List.of(ORT, TORCH)) {
                for (int t : threads) {
                    Double b8 = time(w.id(), p, t), b1 = time(one, p, t);
                    row.add(b8 == null || b1 == null ? "-" : String.format(Locale.ROOT, "%.2f", b8 / b1));
                }
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Batch 8 / batch 1 cost (target <= 8.5; best opsgi variant, ms b8 / b1)\n\n");
        List<String> head = new ArrayList<>(List.of("workload"));
        threads.forEach(t -> head.add("opsgi " + t + "t"));
        for (String p : List.of(ORT, TORCH)) {
            threads.forEach(t -> head.add(p + " " + t + "t"));
        }
        table(md, head, rows, 1);
        md.append('\n');
    }

    private void untimed(StringBuilder md) {
        List<String> lines = new ArrayList<>();
        Map<String, List<String>> declined = new LinkedHashMap<>();
        for (Workload w : workloads) {
            JsonNode e = precheck.path(w.id());
            if (e.has("data_problem")) {
                lines.add("**" + w.id() + ": the reference output fails the float64 check; Java and Python data may differ**: " + e.path("data_problem").asText());
            }
            variants(w.id()).forEach((v, s) -> {
                String st = s.path("status").asText();
                if (st.equals("failed")) {
                    lines.add("**" + w.id() + " " + v + " FAILED its output check, not timed**: " + s.path("detail").asText());
                } else if (st.equals("unsupported")) {
                    declined.computeIfAbsent(w.op() + "/" + v, k -> new ArrayList<>()).add(w.id());
                } else {
                    for (int t : threads) {
                        if (time(w.id(), v, t) == null) {
                            lines.add("**" + w.id() + " " + v + " at " + t + "t: no result** (the JMH trial failed: see its log in the run directory)");
                        }
                    }
                }
            });
            JsonNode ort = e.path("ort");
            if (ort.has("detail")) {
                lines.add(w.id() + " ONNX Runtime (" + ort.path("status").asText() + "): " + ort.path("detail").asText());
            }
        }
        declined.forEach((v, ids) -> lines.add(v + " declines (supports() is false; the runtime hands these to the next kernel): " + String.join(", ", ids)));
        lines.addAll(notes);
        if (lines.isEmpty()) {
            md.append("Every variant's output matched the reference variant (conformance tolerances) at every thread count before it was timed");
            md.append(precheckUsedChecks() ? ", and the float64 checks.\n" : ".\n");
            return;
        }
        md.append("## Not timed, or to look at\n\n");
        lines.forEach(l -> md.append("- ").append(l).append('\n'));
        md.append("\nEvery other variant's output matched the reference variant's at every thread count before it was timed.\n");
    }

    private boolean precheckUsedChecks() {
        for (Workload w : workloads) {
            if (!precheck.path(w.id()).path("checked_against_float64").asBoolean(false)) {
                return false;
            }
        }
        return !workloads.isEmpty();
    }

    /** A Markdown table with padded columns, readable as printed text too. */
    private static void table(StringBuilder md, List<String> head, List<List<String>> rows) {
        table(md, head, rows, 2);
    }

    /** The first {@code text} columns are left-aligned, the rest (numbers) right-aligned. */
    private static void table(StringBuilder md, List<String> head, List<List<String>> rows, int text) {
        TextTable t = TextTable.withHeader(head.toArray(String[]::new));
        for (int i = 0; i < head.size(); i++) {
            if (i < text) {
                t.left(i);
            } else {
                t.right(i);
            }
        }
        rows.forEach(r -> t.row(r.toArray()));
        md.append(t.toMarkdown());
    }

    static String ms(double x) {
        return String.format(Locale.ROOT, x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : x >= 1 ? "%.2f" : "%.3f", x);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, r >= 0.1 ? "%.2f" : "%.3f", r);
    }

    private static String cpu() {
        String model = "unknown CPU";
        int cpus = 0;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name") && model.equals("unknown CPU")) {
                    model = l.substring(l.indexOf(':') + 1).trim();
                }
                if (l.startsWith("processor")) {
                    cpus++;
                }
            }
        } catch (IOException e) {
            return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
        }
        return model + ", " + cpus + " CPUs (" + Runtime.getRuntime().availableProcessors() + " available to the JVM)";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
