package io.opsgi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.TensorComparison;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The whole comparison, run by {@code benchmarks/run}: export the peers' models, check every
 * variant's output against the reference variant (at every thread count) and against the float64
 * checks, time the variants that pass and ONNX Runtime with JMH (one fork per case), time PyTorch,
 * then print and save the table ({@link Table}).
 */
public final class Bench {
    /** JMH budgets per trial: SampleTime, so every call is a sample and the table shows their median. */
    record Budget(int warmups, int warmupMs, int iterations, int iterationMs) {
        String describe() {
            return String.format(Locale.ROOT, "%d x %d ms warm-up, %d x %d ms measured", warmups, warmupMs, iterations, iterationMs);
        }
    }

    static final Budget FULL = new Budget(4, 500, 5, 600);
    static final Budget QUICK = new Budget(1, 300, 2, 200);
    /**
     * The reference variant runs at 1-1.5 GFLOP/s: a batch-8 conv takes 1.5 s per call. Time-based
     * iterations bound its cost to a few calls (an iteration always finishes its call).
     */
    static final Budget FULL_REFERENCE = new Budget(1, 500, 3, 500);
    static final Budget QUICK_REFERENCE = new Budget(0, 100, 1, 200);

    private final Options opt;
    private final WorkDir dir;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private int contendedTrials;
    private String loadAtStart = "";

    private Bench(Options opt) {
        this.opt = opt;
        this.dir = new WorkDir(opt.work, opt.workloads);
    }

    /** Command-line options (benchmarks/run passes the paths); see README.md. */
    @Command(name = "bench", mixinStandardHelpOptions = true, description = "Check, then time, every kernel variant against ONNX Runtime and PyTorch.")
    static final class Options {
        @Option(names = "--quick", description = "short JMH budgets: a smoke run, not numbers to publish")
        boolean quick;
        @Option(names = "--no-peers", description = "time the opsgi variants only (no ONNX Runtime, no PyTorch)")
        boolean noPeers;
        @Option(names = "--filter", paramLabel = "REGEX", defaultValue = "", description = "only the workloads whose id matches")
        Pattern filter;
        @Option(names = "--variants", paramLabel = "REGEX", defaultValue = "", description = "only the variants whose name matches")
        Pattern variants;
        @Option(names = "--threads", paramLabel = "N,N", split = ",", defaultValue = "1,2", description = "intra-op thread counts (default 1,2)")
        List<Integer> threads;
        @Option(names = "--workloads", required = true, paramLabel = "FILE", description = "workloads.json")
        Path workloads;
        @Option(names = "--work", required = true, paramLabel = "DIR", description = "where this run's raw results go")
        Path work;
        @Option(names = "--results", required = true, paramLabel = "DIR", description = "where the table is written")
        Path results;
        @Option(names = "--peer-script", required = true, paramLabel = "FILE", description = "the PyTorch/ONNX peer script")
        Path peerScript;
        @Option(names = "--python", paramLabel = "EXE", defaultValue = "/usr/bin/python3", description = "the Python with PyTorch (default ${DEFAULT-VALUE})")
        String python;
        @Option(names = "--command", paramLabel = "TEXT", defaultValue = "benchmarks/run", description = "how the run was started, for the table")
        String command;

        boolean peers() {
            return !noPeers;
        }

        /** The options of {@code args}, or null when help or the version was asked for (and printed). */
        static Options parse(String[] args) {
            Options o = new Options();
            CommandLine cl = new CommandLine(o);
            try {
                cl.parseArgs(args);
            } catch (CommandLine.ParameterException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            if (CommandLine.printHelpIfRequested(cl.getParseResult())) {
                return null;
            }
            if (o.threads.isEmpty() || o.threads.stream().anyMatch(t -> t < 1)) {
                throw new IllegalArgumentException("--threads needs thread counts >= 1, e.g. 1,2");
            }
            return o;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(o == null ? 0 : new Bench(o).run());
    }

    private int run() throws Exception {
        Instant start = Instant.now();
        loadAtStart = loadAverage();
        Workloads all = Workloads.load(opt.workloads);
        List<Workload> selected = all.matching(opt.filter);
        if (selected.isEmpty()) {
            System.err.println("bench: no workload matches --filter " + opt.filter);
            return 2;
        }
        Files.createDirectories(dir.root());
        Variants variants = Variants.discover();
        log("%d workloads, threads %s, %s mode", selected.size(), opt.threads, opt.quick ? "quick" : "full");
        selected.stream().map(Workload::op).distinct().forEach(op -> log("  %s variants found: %s", op,
                variants.serving(op).stream().map(k -> k.variant() + " (" + k.origin() + ")").toList()));

        if (opt.peers()) {
            python("export", "--out", dir.root().resolve("onnx").toString());
        }
        Checks checks = opt.peers() ? Checks.load(dir.checks(), opt.workloads.resolveSibling("onnx").resolve("checks.json")) : Checks.none();

        List<Case> cases = precheck(all, selected, variants, checks);
        writeRunInfo(selected, start, null);
        time(cases, selected.stream().anyMatch(Workload::memoryBound));
        if (opt.peers()) {
            Budget b = opt.quick ? QUICK : FULL;
            python("time", "--out", dir.torchResults().toString(), "--threads", String.join(",", opt.threads.stream().map(String::valueOf).toList()),
                    "--warmup", String.valueOf(b.warmups() * b.warmupMs() / 1000.0), "--measure", String.valueOf(b.iterations() * b.iterationMs() / 1000.0),
                    "--min-calls", "3");
        }
        writeRunInfo(selected, start, Instant.now());
        Table.Report report = Table.assemble(dir);
        System.out.println();
        System.out.println(report.markdown());
        Files.createDirectories(opt.results);
        Path md = opt.results.resolve(report.fileName(opt.quick, !opt.filter.pattern().isEmpty() || !opt.variants.pattern().isEmpty()
                || !opt.threads.equals(List.of(1, 2)) || !opt.peers()));
        Files.writeString(md, report.markdown());
        Path html = md.resolveSibling(md.getFileName().toString().replaceFirst("\\.md$", ".html"));
        Files.writeString(html, report.html());
        log("table written to %s and %s; raw results in %s (took %s)", md, html, dir.root(), Duration.between(start, Instant.now()).withNanos(0));
        return 0;
    }

    /** One JMH trial to run: an opsgi variant (or ONNX Runtime when {@code variant} is null) on a workload. */
    private record Case(Workload workload, String variant, boolean reference) {
        String label() {
            return variant == null ? "ORT" : variant;
        }
    }

    /**
     * Computes each workload's reference output (stored for the forks), then runs every other variant
     * at every thread count and ONNX Runtime once, and compares. Only what passes is timed; the
     * verdicts go to precheck.json for the table.
     */
    private List<Case> precheck(Workloads all, List<Workload> selected, Variants variants, Checks checks) throws IOException {
        ObjectNode report = json.createObjectNode();
        List<Case> cases = new ArrayList<>();
        for (Workload w : selected) {
            ObjectNode entry = report.putObject(w.id());
            ObjectNode vs = entry.putObject("variants");
            OpCase c = OpCase.of(w, all.dataInit());
            DiscoveredKernel ref = variants.find(c.op(), Variants.REFERENCE);
            Parallel.setThreads(1);
            float[] expected = c.compute(ref.kernel());
            dir.writeReference(w.id(), expected);
            String refProblem = checks.problem(w.id(), expected);
            entry.put("checked_against_float64", checks.has(w.id()));
            if (refProblem != null) {
                // The conformance-verified reference disagrees with PyTorch's float64 result: the Java and
                // Python tensors differ, so the peers would not be computing the same thing.
                entry.put("data_problem", refProblem);
                log("WARNING %s: the reference output fails the float64 check (%s): Java and Python data differ?", w.id(), refProblem);
            }
            for (DiscoveredKernel k : variants.serving(c.op())) {
                boolean isRef = k.variant().equals(Variants.REFERENCE);
                if (!opt.variants.matcher(k.variant()).find()) {
                    continue;
                }
                ObjectNode v = vs.putObject(k.variant());
                v.put("ranking", k.ranking());
                v.put("origin", k.origin());
                if (!isRef && !c.supports(k.kernel())) {
                    v.put("status", "unsupported"); // the runtime sends such calls to the next kernel by rank
                    continue;
                }
                String problem = isRef ? null : verify(c, k, expected, checks);
                if (problem != null) {
                    v.put("status", "failed");
                    v.put("detail", problem);
                    log("FAILED %s %s/%s: %s (not timed)", w.id(), c.op(), k.variant(), problem);
                } else {
                    v.put("status", "ok");
                    cases.add(new Case(w, k.variant(), isRef));
                }
            }
            if (opt.peers()) {
                String problem = verifyOrt(c, expected);
                ObjectNode ort = entry.putObject("ort");
                ort.put("status", problem == null ? "ok" : problem.startsWith("error") ? "error" : "differs");
                if (problem != null) {
                    ort.put("detail", problem);
                    log("ONNX Runtime on %s: %s", w.id(), problem);
                }
                if (problem == null || !problem.startsWith("error")) {
                    cases.add(new Case(w, null, false));
                }
            }
        }
        json.writeValue(dir.precheck().toFile(), report);
        return cases;
    }

    /** Null if {@code k}'s output matches the reference's at every thread count (and the float64 check), else why not. */
    private String verify(OpCase c, DiscoveredKernel k, float[] expected, Checks checks) {
        for (int t : opt.threads) {
            Parallel.setThreads(t);
            float[] y;
            try {
                y = c.compute(k.kernel());
            } catch (RuntimeException | Error e) {
                return "threw at " + t + " threads: " + e;
            }
            TensorComparison cmp = TensorComparison.compare("output", Tensor.wrap(c.outputShape, expected), Tensor.wrap(c.outputShape, y),
                    c.tolerance(expected));
            if (!cmp.passed()) {
                return "at " + t + " threads, against " + Variants.REFERENCE + ": " + cmp.problem();
            }
            String sums = checks.problem(c.workload.id(), y);
            if (sums != null) {
                return "at " + t + " threads, against the float64 check: " + sums;
            }
        }
        return null;
    }

    /** Null if ONNX Runtime's output matches the reference's; "error: ..." if it cannot run; else how it differs (it is still timed). */
    private String verifyOrt(OpCase c, float[] expected) {
        try (OrtPeer p = new OrtPeer(dir.model(c.workload.id()), 1, c)) {
            p.run();
            TensorComparison cmp = TensorComparison.compare("output", Tensor.wrap(c.outputShape, expected), Tensor.wrap(c.outputShape, p.output()),
                    c.tolerance(expected));
            return cmp.passed() ? null : "output differs from the reference: " + cmp.problem();
        } catch (Exception | UnsatisfiedLinkError e) {
            return "error: " + e;
        }
    }

    /**
     * A full run forks a JVM per trial, so no trial inherits another's JIT profile or heap. A quick run
     * stays in this JVM (no JVM start, no ORT library load per trial): a smoke test, not a measurement.
     */
    private int forks() {
        return opt.quick ? 0 : 1;
    }

    private String method() {
        return "JMH SampleTime, " + (opt.quick ? "all trials in one JVM (quick)" : "one JVM fork per trial") + "; "
                + (opt.quick ? QUICK : FULL).describe() + "; reference variant " + (opt.quick ? QUICK_REFERENCE : FULL_REFERENCE).describe();
    }

    /** The FMA ceiling ({@link FmaPeak}) at each thread count, in this run, so the convolutions can be judged against it. */
    private void peak() throws IOException {
        Files.createDirectories(dir.peak());
        for (int t : opt.threads) {
            Path out = dir.peak().resolve("fma-" + t + "t.json");
            ChainedOptionsBuilder o = new OptionsBuilder().include("^" + Pattern.quote(FmaPeak.class.getName() + ".fmas") + "$")
                    .warmupIterations(opt.quick ? 1 : 3).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(opt.quick ? 2 : 5).measurementTime(TimeValue.milliseconds(500))
                    .forks(forks()).threads(t).shouldFailOnError(true).jvmArgsAppend("--add-modules=jdk.incubator.vector")
                    .resultFormat(ResultFormatType.JSON).result(out.toString()).output(dir.peak().resolve("fma-" + t + "t.log").toString());
            System.setProperty("jmh.ignoreLock", String.valueOf(otherJmhRunning()));
            try {
                RunResult r = new Runner(o.build()).run().iterator().next();
                log("FMA peak, %d thread(s): %.1f GFLOP/s", t, r.getPrimaryResult().getScore() * FmaPeak.lanes() / 1e9);
            } catch (RunnerException | RuntimeException e) {
                Files.deleteIfExists(out);
                log("FMA peak, %d thread(s): ERROR (not measured): %s", t, e.getMessage());
            }
        }
    }

    private void time(List<Case> cases, boolean copy) throws IOException {
        peak();
        int total = (cases.size() + (copy ? 1 : 0)) * opt.threads.size(), n = 0;
        log("timing %d trials: %s", total, method());
        // In-process trials (quick) read these in this JVM; forked ones get them as -D options.
        System.setProperty(WorkDir.DIR_PROPERTY, dir.root().toAbsolutePath().toString());
        System.setProperty(WorkDir.WORKLOADS_PROPERTY, dir.workloads().toAbsolutePath().toString());
        for (int t : opt.threads) {
            if (copy) {
                // The memory-bound ops' ceiling, measured next to them in the same run (one fork per size and method).
                n++;
                trial(jmhOptions(opt.quick ? QUICK : FULL_COPY, t).include("^" + Pattern.quote(CopyBench.class.getName()) + "\\.(arraycopy|vector)$"),
                        "copy-" + t + "t", String.format(Locale.ROOT, "[%3d/%d] %dt %-30s %-10s", n, total, t, "copy bandwidth", "CopyBench"));
            }
            for (Case c : cases) {
                n++;
                Budget b = c.reference ? (opt.quick ? QUICK_REFERENCE : FULL_REFERENCE) : (opt.quick ? QUICK : FULL);
                ChainedOptionsBuilder o = jmhOptions(b, t);
                if (c.variant == null) {
                    o.include("^" + Pattern.quote(OrtBench.class.getName() + ".run") + "$").param("workload", c.workload.id());
                } else {
                    o.include("^" + Pattern.quote(KernelBench.class.getName() + ".run") + "$").param("target", c.workload.id() + ":" + c.variant);
                }
                trial(o, c.workload.id() + "-" + c.label() + "-" + t + "t",
                        String.format(Locale.ROOT, "[%3d/%d] %dt %-30s %-10s", n, total, t, c.workload.id(), c.label()));
            }
        }
    }

    /** The copy trials' budget in a full run: short calls, many samples; the quick budget otherwise. */
    static final Budget FULL_COPY = new Budget(3, 400, 4, 400);

    /** JMH options of one trial at {@code t} threads with budget {@code b}. */
    private ChainedOptionsBuilder jmhOptions(Budget b, int t) {
        return new OptionsBuilder()
                .mode(org.openjdk.jmh.annotations.Mode.SampleTime).timeUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                .warmupIterations(b.warmups()).warmupTime(TimeValue.milliseconds(b.warmupMs()))
                .measurementIterations(b.iterations()).measurementTime(TimeValue.milliseconds(b.iterationMs()))
                .forks(forks()).threads(1).shouldFailOnError(true)
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dopsgi.threads=" + t,
                        "-D" + WorkDir.DIR_PROPERTY + "=" + dir.root().toAbsolutePath(),
                        "-D" + WorkDir.WORKLOADS_PROPERTY + "=" + dir.workloads().toAbsolutePath())
                .param("threads", String.valueOf(t));
    }

    /** Runs one JMH trial into jmh/NAME.json (log jmh/NAME.log) and logs its median(s); a failed trial is logged, not thrown. */
    private void trial(ChainedOptionsBuilder o, String name, String what) throws IOException {
        Path out = dir.jmh().resolve(name + ".json"), logFile = dir.jmh().resolve(name + ".log");
        Files.createDirectories(out.getParent());
        o.resultFormat(ResultFormatType.JSON).result(out.toString()).output(logFile.toString());
        boolean contended = otherJmhRunning();
        // JMH refuses to start while another JMH holds its lock; on a shared machine we run anyway and say so.
        System.setProperty("jmh.ignoreLock", String.valueOf(contended));
        if (contended) {
            contendedTrials++;
            what += " (another JMH is running)";
        }
        try {
            Collection<RunResult> r = new Runner(o.build()).run();
            StringBuilder medians = new StringBuilder();
            for (RunResult rr : r) {
                medians.append(String.format(Locale.ROOT, " %10.4f ms", rr.getPrimaryResult().getStatistics().getPercentile(50)));
            }
            log("%s%s", what, medians);
        } catch (RunnerException | RuntimeException e) {
            Files.deleteIfExists(out);
            log("%s ERROR (not timed): %s; see %s", what, e.getMessage(), logFile);
            tail(logFile);
        }
    }

    /** Whether another JMH run on this machine holds JMH's lock file right now. */
    private static boolean otherJmhRunning() {
        Path lock = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (IOException | OverlappingFileLockException e) {
            return true;
        }
    }

    private static void tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> System.err.println("    | " + l));
        } catch (IOException ignored) {
            // the log is only a hint
        }
    }

    /** Runs peers/torch_peer.py with OPENBLAS_CORETYPE removed (it would halve any OpenBLAS-based code). */
    private void python(String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(opt.python, opt.peerScript.toString(), command, "--workloads", opt.workloads.toString(),
                "--filter", opt.filter.pattern()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("OPENBLAS_CORETYPE");
        Path err = dir.root().resolve("python-" + command + ".log");
        pb.redirectError(command.equals("time") ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(err.toFile()));
        log("PyTorch: %s %s", command, command.equals("export") ? "(ONNX models and float64 checks)" : "(timing)");
        int rc = pb.start().waitFor();
        if (rc != 0) {
            if (command.equals("export")) {
                tail(err);
            }
            throw new IllegalStateException("PyTorch peer script failed (" + String.join(" ", cmd) + ", exit " + rc + ")");
        }
    }

    private void writeRunInfo(List<Workload> selected, Instant start, Instant end) throws IOException {
        ObjectNode r = json.createObjectNode();
        r.put("command", opt.command);
        r.put("mode", opt.quick ? "quick" : "full");
        r.put("jmh", method());
        ArrayNode th = r.putArray("threads");
        opt.threads.forEach(th::add);
        r.put("workloads_file", opt.workloads.toAbsolutePath().toString());
        ArrayNode ids = r.putArray("workloads");
        selected.forEach(w -> ids.add(w.id()));
        r.put("peers", opt.peers());
        r.put("ort_version", opt.peers() ? OrtPeer.version() : "");
        r.put("contended_trials", contendedTrials);
        r.put("load_at_start", loadAtStart);
        r.put("start", start.toString());
        if (end != null) {
            r.put("end", end.toString());
        }
        json.writeValue(dir.runInfo().toFile(), r);
    }

    /** The 1-minute load average from /proc/loadavg: how busy the machine was when the run began. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void log(String format, Object... args) {
        System.err.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
