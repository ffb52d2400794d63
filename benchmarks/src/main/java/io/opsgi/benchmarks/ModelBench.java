package io.opsgi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.conformance.TensorComparison;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.report.BenchmarkHtml;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end speed of whole models, run by {@code benchmarks/run-models}: opsgi (the .onnx file
 * imported, the fused {@link io.opsgi.net.ExecutionPlan} on the best kernels, as {@code ./opsgi run} runs it) against ONNX Runtime on the same
 * file and PyTorch on the same module ({@code peers/torch_models.py}), at each thread count and batch
 * size. Every engine's output is checked against PyTorch's expected output first (within the
 * network's depth-scaled tolerance); then JMH times opsgi and ONNX Runtime (SampleTime) in several forks per
 * trial, the trials interleaved round by round so that a slow spell of the machine falls on every engine alike, and
 * the Python peer times PyTorch. A JVM's JIT decisions make forks of the same code differ by up to 30% on this kind
 * of VM, so a cell is the median of its forks' medians, shown with their range. The machine's speed also drifts over
 * seconds, so each trial is timed once more with opsgi and ONNX Runtime call by call in one JVM ({@link ModelPairs}):
 * the paired ratio. Prints and writes a markdown table (median ms, ratio = best peer's time / opsgi's) and an HTML page.
 */
public final class ModelBench {
    record Trial(String model, int batch, int threads, String engine) {
    }

    @Command(name = "run-models", mixinStandardHelpOptions = true, description = "Time whole ONNX models: opsgi vs ONNX Runtime vs PyTorch.")
    static final class Options {
        @Option(names = "--models", split = ",", defaultValue = "resnet18,mobilenet_v2,squeezenet1_1,unet", description = "export.py's FULL models (default ${DEFAULT-VALUE})")
        List<String> models;
        @Option(names = "--dir", required = true, description = "where examples/onnx/export.py --bench wrote them")
        Path dir;
        @Option(names = "--threads", split = ",", defaultValue = "1,2")
        List<Integer> threads;
        @Option(names = "--batches", split = ",", defaultValue = "1,8")
        List<Integer> batches;
        @Option(names = "--quick", description = "short budgets, one JVM: a smoke run, not numbers to publish")
        boolean quick;
        @Option(names = "--forks", defaultValue = "3", description = "JVMs per trial, interleaved round by round (default ${DEFAULT-VALUE})")
        int forks;
        @Option(names = "--paired-seconds", defaultValue = "20", description = "per trial, opsgi and ONNX Runtime call by call in one JVM for this long after a 15 s warm-up (0: not run; default ${DEFAULT-VALUE})")
        double pairedSeconds;
        @Option(names = "--work", required = true)
        Path work;
        @Option(names = "--results", required = true)
        Path results;
        @Option(names = "--peer-script", required = true)
        Path peerScript;
        @Option(names = "--python", defaultValue = "/usr/bin/python3")
        String python;
        @Option(names = "--command", defaultValue = "benchmarks/run-models")
        String command;
    }

    /** Seconds of warm-up (both engines) before the paired calls; quick runs take 2. */
    private static final double PAIRED_WARMUP_SECONDS = 15;

    private final Options opt;
    private final ObjectMapper json = new ObjectMapper();

    private ModelBench(Options opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        Options o = CommandLines.parseOrExit("run-models", new Options(), args);
        if (o == null) {
            System.exit(0);
        }
        System.exit(new ModelBench(o).run());
    }

    private int run() throws Exception {
        Instant start = Instant.now();
        String[] avg = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        String load = avg[0] + " " + avg[1] + " " + avg[2] + " (1, 5, 15 min)";
        for (String m : opt.models) {
            for (int b : opt.batches) {
                Path f = new ModelTrial.ModelFiles(opt.dir, m, b).model();
                if (!Files.isRegularFile(f)) {
                    System.err.println("run-models: no " + f + ": run /usr/bin/python3 examples/onnx/export.py --bench");
                    return 2;
                }
            }
        }
        Files.createDirectories(opt.work);
        List<String> problems = precheck();
        Map<Trial, Double> ms = new LinkedHashMap<>();
        Map<Trial, List<Double>> forks = timeJmh();
        forks.forEach((t, l) -> ms.put(t, median(l)));
        Map<Trial, String> paired = timePaired();
        timeTorch(ms);
        String md = table(ms, forks, paired, load, start, problems);
        System.out.println();
        System.out.println(md);
        Files.createDirectories(opt.results);
        String base = LocalDate.now() + "-" + InetAddress.getLocalHost().getHostName() + "-models" + (opt.quick ? "-quick" : "");
        Files.writeString(opt.results.resolve(base + ".md"), md);
        List<BenchmarkHtml.Timing> timings = new ArrayList<>();
        ms.forEach((t, v) -> timings.add(new BenchmarkHtml.Timing(t.model() + " batch " + t.batch(), t.engine(), !t.engine().equals("opsgi"), t.threads(), v)));
        Files.writeString(opt.results.resolve(base + ".html"), BenchmarkHtml.of("opsgi whole models vs ONNX Runtime and PyTorch",
                List.of(opt.command, machine(), "load average at start: " + load), timings));
        log("table written to %s (.md, .html); took %s", opt.results.resolve(base), Duration.between(start, Instant.now()).withNanos(0));
        return problems.isEmpty() ? 0 : 1;
    }

    /** Each engine's output against PyTorch's expected output, before anything is timed; the problems found. */
    private List<String> precheck() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String m : opt.models) {
            for (int b : opt.batches) {
                ModelTrial.ModelFiles f = new ModelTrial.ModelFiles(opt.dir, m, b);
                Tensor want = Npy.readFloat(f.expected());
                for (int t : opt.threads) {
                    ModelTrial.Opsgi o = ModelTrial.Opsgi.load(f, t);
                    var tol = NetworkTolerance.of(o.net(), want);
                    TensorComparison a = TensorComparison.compare("opsgi", want, o.output(), tol);
                    float[] ort;
                    try (ModelTrial.Ort r = new ModelTrial.Ort(f, t)) {
                        ort = r.output();
                    }
                    TensorComparison b2 = TensorComparison.compare("ONNX Runtime", want, Tensor.wrap(want.shape(), ort), tol);
                    log("check %-14s b%d %dt: opsgi %s (%.0f%% of the tolerance), ONNX Runtime %s (%.0f%%)", m, b, t, a.passed() ? "ok" : "FAILED",
                            100 * a.toleranceUse(), b2.passed() ? "ok" : "FAILED", 100 * b2.toleranceUse());
                    if (!a.passed()) {
                        problems.add(m + " b" + b + " " + t + "t: " + a.problem());
                    }
                    if (!b2.passed()) {
                        problems.add(m + " b" + b + " " + t + "t: " + b2.problem());
                    }
                }
            }
        }
        Parallel.setThreads(1);
        return problems;
    }

    /** Each trial's fork medians, the forks run round by round over all trials. */
    private Map<Trial, List<Double>> timeJmh() throws IOException {
        int warm = opt.quick ? 1 : 5, iters = opt.quick ? 2 : 5, iterMs = opt.quick ? 500 : 1000, rounds = opt.quick ? 1 : Math.max(1, opt.forks);
        System.setProperty(ModelTrial.DIR_PROPERTY, opt.dir.toAbsolutePath().toString());
        Map<Trial, List<Double>> forks = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String m : opt.models) {
                for (int b : opt.batches) {
                    for (int t : opt.threads) {
                        for (String engine : List.of("opsgi", "ORT")) {
                            String name = m + "-b" + b + "-" + t + "t-" + engine + "-fork" + round;
                            Path out = opt.work.resolve(name + ".json");
                            ChainedOptionsBuilder o = new OptionsBuilder().include("^" + Pattern.quote(ModelTrial.class.getName() + ".run") + "$")
                                    .warmupIterations(warm).warmupTime(TimeValue.milliseconds(iterMs))
                                    .measurementIterations(iters).measurementTime(TimeValue.milliseconds(iterMs))
                                    .forks(opt.quick ? 0 : 1).threads(1).shouldFailOnError(true)
                                    .jvmArgsAppend("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dopsgi.threads=" + t,
                                            "-Xmx3g", "-D" + ModelTrial.DIR_PROPERTY + "=" + opt.dir.toAbsolutePath())
                                    .param("model", m).param("batch", String.valueOf(b)).param("threads", String.valueOf(t)).param("engine", engine)
                                    .resultFormat(ResultFormatType.JSON).result(out.toString()).output(opt.work.resolve(name + ".log").toString());
                            System.setProperty("jmh.ignoreLock", "true");
                            try {
                                Collection<RunResult> r = new Runner(o.build()).run();
                                double median = r.iterator().next().getPrimaryResult().getStatistics().getPercentile(50);
                                forks.computeIfAbsent(new Trial(m, b, t, engine), k -> new ArrayList<>()).add(median);
                                log("%-14s b%d %dt %-6s fork %d/%d %10.3f ms", m, b, t, engine, round, rounds, median);
                            } catch (Exception e) {
                                log("%-14s b%d %dt %-6s fork %d ERROR (not timed): %s; see %s.log", m, b, t, engine, round, e.getMessage(), name);
                            }
                        }
                    }
                }
            }
        }
        return forks;
    }

    /**
     * Per trial (model, batch, threads) the paired ratio ONNX Runtime / opsgi with its 95% interval, both engines in one
     * JVM call by call ({@link ModelPairs}), as the table prints it; absent where not run or failed.
     */
    private Map<Trial, String> timePaired() throws IOException, InterruptedException {
        Map<Trial, String> paired = new LinkedHashMap<>();
        if (opt.pairedSeconds <= 0) {
            return paired;
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        double warm = opt.quick ? 2 : PAIRED_WARMUP_SECONDS, seconds = opt.quick ? Math.min(2, opt.pairedSeconds) : opt.pairedSeconds;
        Pattern line = Pattern.compile("PAIRED opsgi=(\\S+) ort=(\\S+) ratio=(\\S+) low=(\\S+) high=(\\S+) pairs=(\\d+)");
        for (String m : opt.models) {
            for (int b : opt.batches) {
                for (int t : opt.threads) {
                    String name = m + "-b" + b + "-" + t + "t-paired";
                    Path out = opt.work.resolve(name + ".log");
                    List<String> cmd = List.of(javaBin, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx3g", "-Dopsgi.threads=" + t,
                            "-cp", System.getProperty("java.class.path"), ModelPairs.class.getName(), opt.dir.toAbsolutePath().toString(), m,
                            String.valueOf(b), String.valueOf(t), String.valueOf(warm), String.valueOf(seconds));
                    int exit = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start().waitFor();
                    var found = Files.readAllLines(out).stream().map(line::matcher).filter(Matcher::find).findFirst();
                    if (exit != 0 || found.isEmpty()) {
                        log("%-14s b%d %dt paired ERROR (exit %d); see %s", m, b, t, exit, out);
                        continue;
                    }
                    var g = found.get();
                    String cell = String.format(Locale.ROOT, "%.2f [%s, %s]", Double.parseDouble(g.group(3)), fmt2(g.group(4)), fmt2(g.group(5)));
                    paired.put(new Trial(m, b, t, "paired"), cell);
                    log("%-14s b%d %dt paired: opsgi %s ms, ORT %s ms, ORT/opsgi %s, %s pairs", m, b, t, g.group(1), g.group(2), cell, g.group(6));
                }
            }
        }
        return paired;
    }

    private static String fmt2(String v) {
        double d = Double.parseDouble(v);
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.2f", d);
    }

    private static double median(List<Double> l) {
        List<Double> s = l.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private void timeTorch(Map<Trial, Double> ms) throws IOException, InterruptedException {
        Path out = opt.work.resolve("torch-models.json");
        List<String> cmd = List.of(opt.python, opt.peerScript.toString(), "--models", String.join(",", opt.models), "--dir", opt.dir.toString(),
                "--threads", join(opt.threads), "--batches", join(opt.batches), "--warmup", opt.quick ? "0.5" : "3", "--measure", opt.quick ? "1" : "5",
                "--out", out.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().remove("OPENBLAS_CORETYPE");
        log("PyTorch: %s", String.join(" ", cmd));
        if (pb.start().waitFor() != 0) {
            log("PyTorch peer failed: no PyTorch column");
            return;
        }
        for (JsonNode r : json.readTree(out.toFile()).get("results")) {
            if (r.get("check").asText().equals("ok")) {
                ms.put(new Trial(r.get("model").asText(), r.get("batch").asInt(), r.get("threads").asInt(), "PyTorch"), r.get("median_ms").asDouble());
            } else {
                log("PyTorch %s: %s (not tabled)", r.get("model").asText(), r.get("check").asText());
            }
        }
    }

    private String table(Map<Trial, Double> ms, Map<Trial, List<Double>> forks, Map<Trial, String> paired, String load, Instant start, List<String> problems) {
        StringBuilder b = new StringBuilder();
        b.append("| model | batch | threads | opsgi ms | ONNX Runtime ms | PyTorch ms | ratio (best peer / opsgi) | paired ORT / opsgi [95%] |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for (String m : opt.models) {
            for (int batch : opt.batches) {
                for (int t : opt.threads) {
                    Double o = ms.get(new Trial(m, batch, t, "opsgi")), ort = ms.get(new Trial(m, batch, t, "ORT")), pt = ms.get(new Trial(m, batch, t, "PyTorch"));
                    double best = Math.min(ort == null ? Double.POSITIVE_INFINITY : ort, pt == null ? Double.POSITIVE_INFINITY : pt);
                    String who = best == Double.POSITIVE_INFINITY ? "" : (ort != null && ort == best ? " ORT" : " PyTorch");
                    b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s |%n", m, batch, t,
                            withRange(o, forks.get(new Trial(m, batch, t, "opsgi"))), withRange(ort, forks.get(new Trial(m, batch, t, "ORT"))), fmt(pt),
                            o == null || who.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f vs%s", best / o, who),
                            paired.getOrDefault(new Trial(m, batch, t, "paired"), "-")));
                }
            }
        }
        b.append("\n").append(opt.command).append("; ").append(opt.quick ? "quick (do not quote)" : "JMH SampleTime, 5 x 1 s warm-up, 5 x 1 s measured; per trial the median of "
                        + opt.forks + " forks' medians [their range], the forks interleaved round by round; PyTorch: 3 s warm-up, 5 s of calls, median"
                        + (opt.pairedSeconds <= 0 ? "" : "; paired: opsgi and ONNX Runtime (not spinning) call by call in one JVM, " + opt.pairedSeconds + " s after a "
                        + PAIRED_WARMUP_SECONDS + " s warm-up, the median of the per-pair ratios and its distribution-free 95% interval"))
                .append("\n").append(machine()).append("; load average at start: ").append(load).append("; started ").append(start).append("\n");
        if (!problems.isEmpty()) {
            b.append("\nOUTPUT CHECK FAILED (timed anyway):\n");
            problems.forEach(p -> b.append("- ").append(p).append("\n"));
        }
        return b.toString();
    }

    private static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst().map(l -> l.split(":", 2)[1].trim()).orElse("");
        } catch (IOException ignored) {
            // the CPU name is only a note
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), Java " + System.getProperty("java.version") + ", ONNX Runtime "
                + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
    }

    /** The median and, with several forks, the range of the fork medians. */
    private static String withRange(Double v, List<Double> forks) {
        if (v == null || forks == null || forks.size() < 2) {
            return fmt(v);
        }
        return fmt(v) + " [" + fmt(java.util.Collections.min(forks)) + ", " + fmt(java.util.Collections.max(forks)) + "]";
    }

    private static String fmt(Double v) {
        if (v == null) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String join(List<Integer> l) {
        return String.join(",", l.stream().map(String::valueOf).toList());
    }

    private static void log(String format, Object... args) {
        System.err.println("run-models: " + String.format(Locale.ROOT, format, args));
    }
}
