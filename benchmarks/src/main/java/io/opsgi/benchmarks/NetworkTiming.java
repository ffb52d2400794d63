package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.Weights;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Whole-network latency of the shipped examples on the plain JVM, every kernel on the classpath
 * chosen by rank as the container chooses: the layer-by-layer {@link NetworkRunner} (what
 * {@code ./opsgi run} did before plans), the unfused {@link ExecutionPlan} (one lease per op per
 * run) and the fused plan. Per (network, threads): each mode's first run (the first of that
 * network in this JVM is cold), a warm-up of each for a fixed time, then N rounds of one run of
 * each mode, interleaved so that a busy spell on a shared machine hits every mode alike; the median
 * and the fastest per mode, wall time by {@code System.nanoTime}.
 *
 * <pre>java ... io.opsgi.benchmarks.NetworkTiming EXAMPLES_DIR [warmup-seconds] [runs] [threads,...] [network,...]</pre>
 */
public final class NetworkTiming {
    private NetworkTiming() {
    }

    @Command(name = "NetworkTiming", mixinStandardHelpOptions = true, description = "Time the shipped example networks: layer by layer, plan unfused, plan fused.")
    static final class Options {
        @Parameters(index = "0", arity = "0..1", paramLabel = "EXAMPLES_DIR", defaultValue = "examples", description = "the examples folder (default ${DEFAULT-VALUE})")
        Path examples;
        @Parameters(index = "1", arity = "0..1", paramLabel = "WARMUP_S", defaultValue = "3", description = "warm-up seconds per mode (default ${DEFAULT-VALUE})")
        double warmup;
        @Parameters(index = "2", arity = "0..1", paramLabel = "RUNS", defaultValue = "200", description = "timed runs per mode (default ${DEFAULT-VALUE})")
        int runs;
        @Parameters(index = "3", arity = "0..1", paramLabel = "THREADS", split = ",", defaultValue = "1,2", description = "intra-op thread counts (default ${DEFAULT-VALUE})")
        int[] threads;
        @Parameters(index = "4", arity = "0..1", paramLabel = "NETWORKS", split = ",",
                defaultValue = "resnet_basic_block,resnet_bottleneck_block,mobilenet_v2_inverted_residual,unet_up_transposed,person_detector",
                description = "the example networks (default: all five)")
        List<String> names;
    }

    public static void main(String[] args) throws Exception {
        Options o = CommandLines.parseOrExit("NetworkTiming", new Options(), args);
        if (o == null) {
            return;
        }
        Path examples = o.examples;
        double warmup = o.warmup;
        int runs = o.runs;
        int[] threads = o.threads;
        List<String> names = o.names;
        NetworkRunner.KernelSource kernels = new ClasspathKernelSource();
        System.out.printf(Locale.ROOT, "# load average at start: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("| network | threads | mode | first run ms | median ms | min ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : names) {
            Path dir = examples.resolve(name);
            Network net = Network.plan(NetworkDescription.read(dir.resolve("model.json")));
            Weights weights = Weights.load(net);
            Tensor x = Npy.readFloat(dir.resolve("input.npy"));
            NetworkRunner runner = new NetworkRunner(kernels);
            ExecutionPlan unfused = ExecutionPlan.of(net, weights, ExecutionPlan.Options.UNFUSED);
            ExecutionPlan fused = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
            List<Mode> modes = List.of(new Mode("layers", () -> runner.run(net, weights, x).output()),
                    new Mode("plan unfused", () -> unfused.run(kernels, x).output()),
                    new Mode("plan fused", () -> fused.run(kernels, x).output()));
            for (int t : threads) {
                Parallel.setThreads(t);
                long[] first = new long[modes.size()];
                for (int m = 0; m < modes.size(); m++) {
                    long c0 = System.nanoTime();
                    modes.get(m).run.get();
                    first[m] = System.nanoTime() - c0;
                    long end = System.nanoTime() + (long) (warmup * 1e9);
                    while (System.nanoTime() < end) {
                        modes.get(m).run.get();
                    }
                }
                // Interleaved, run by run: a busy spell on the shared machine hits every mode alike.
                long[][] ns = new long[modes.size()][runs];
                for (int i = 0; i < runs; i++) {
                    for (int m = 0; m < modes.size(); m++) {
                        long t0 = System.nanoTime();
                        modes.get(m).run.get();
                        ns[m][i] = System.nanoTime() - t0;
                    }
                }
                for (int m = 0; m < modes.size(); m++) {
                    Arrays.sort(ns[m]);
                    System.out.printf(Locale.ROOT, "| %s | %d | %s | %.2f | %.3f | %.3f |%n", name, t, modes.get(m).name, first[m] / 1e6,
                            ns[m][runs / 2] / 1e6, ns[m][0] / 1e6);
                }
            }
        }
        System.out.printf(Locale.ROOT, "# load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private record Mode(String name, Supplier<Tensor> run) {
    }
}
