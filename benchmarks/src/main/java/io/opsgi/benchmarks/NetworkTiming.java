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

    public static void main(String[] args) throws Exception {
        Path examples = Path.of(args.length > 0 ? args[0] : "examples");
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int[] threads = Arrays.stream((args.length > 3 ? args[3] : "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> names = args.length > 4 ? List.of(args[4].split(",")) : List.of("resnet_basic_block", "resnet_bottleneck_block",
                "mobilenet_v2_inverted_residual", "unet_up_transposed", "person_detector");
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
