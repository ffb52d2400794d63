package io.opsgi.benchmarks;

import io.opsgi.text.TextTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs {@link RemoteCallBench} (each workload in process and in a second JVM over Aries RSA TCP) and
 * prints one table: median ms per call in each placement, the remote overhead per call, and the tensor
 * data rate of the remote call (bytes moved per call / remote time). Written to
 * {@code benchmarks/results/<date>-remote-call.md} with the machine's load average at start and end.
 * {@code --quick}: fewer and shorter iterations; {@code --threads N}: intra-op threads on both sides.
 */
public final class RemoteCallTable {
    private RemoteCallTable() {
    }

    @Command(name = "remote", mixinStandardHelpOptions = true, description = "Time each workload in process and in a second JVM over Aries RSA TCP.")
    static final class Options {
        @Option(names = "--quick", description = "fewer and shorter iterations: a smoke run, not numbers to publish")
        boolean quick;
        @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "intra-op threads on both sides (default ${DEFAULT-VALUE})")
        int threads;
    }

    public static void main(String[] args) throws Exception {
        Options o = CommandLines.parseOrExit("remote", new Options(), args);
        if (o == null) {
            return;
        }
        if (o.threads < 1) {
            System.err.println("remote: --threads needs a count >= 1, not " + o.threads);
            System.exit(2);
        }
        boolean quick = o.quick;
        String threads = String.valueOf(o.threads);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        var opts = new OptionsBuilder().include(RemoteCallBench.class.getSimpleName())
                .param("threads", threads)
                .warmupIterations(quick ? 3 : 8).warmupTime(TimeValue.milliseconds(1000))
                .measurementIterations(quick ? 3 : 8).measurementTime(TimeValue.milliseconds(quick ? 500 : 1000))
                .forks(1).threads(1).shouldFailOnError(true)
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-D" + WorkDir.WORKLOADS_PROPERTY + "="
                        + Path.of(System.getProperty(WorkDir.WORKLOADS_PROPERTY, "benchmarks/workloads.json")).toAbsolutePath())
                .build();
        Map<String, double[]> ms = new LinkedHashMap<>(); // target -> {local, remote}
        for (RunResult r : new Runner(opts).run()) {
            String target = r.getParams().getParam("target");
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            ms.computeIfAbsent(target, t -> new double[2])[r.getParams().getParam("placement").equals("local") ? 0 : 1] = median;
        }
        Workloads workloads = Workloads.load(Path.of(System.getProperty(WorkDir.WORKLOADS_PROPERTY, "benchmarks/workloads.json")));
        TextTable table = TextTable.withHeader("workload:variant", "MB per call", "in process ms", "remote ms", "remote overhead ms", "remote/in process",
                "remote MB/s");
        for (var e : ms.entrySet()) {
            String[] wv = e.getKey().split(":", 2);
            double mb = OpCase.of(workloads.get(wv[0]), workloads.dataInit()).bytesPerCall() / 1e6;
            double local = e.getValue()[0], remote = e.getValue()[1];
            table.row(e.getKey(), f("%.2f", mb), f("%.3f", local), f("%.3f", remote), f("%.3f", remote - local), f("%.2f", remote / local),
                    f("%.0f", mb / (remote / 1000)));
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        String text = "# Remote kernel call vs in-process call (" + LocalDate.now() + ", " + threads + " intra-op thread(s) per side)\n\n"
                + "Load average (/proc/loadavg) at start: " + loadBefore + "; at end: " + loadAfter + "; "
                + Runtime.getRuntime().availableProcessors() + " CPUs.\n\n" + table.toMarkdown();
        System.out.println(text);
        Path out = Path.of("benchmarks", "results", LocalDate.now() + "-remote-call.md");
        if (Files.isDirectory(out.getParent())) {
            Files.writeString(out, text);
            System.out.println("written to " + out);
        }
    }

    private static String f(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }
}
