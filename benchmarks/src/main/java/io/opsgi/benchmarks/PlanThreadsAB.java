package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan's per-step thread choice against the flop rule and against one thread, on one model in one JVM, the
 * three interleaved run by run (so a loaded machine's changes reach all three alike): {@code 1 thread} (the flop-rule
 * plan with every loop on the calling thread: {@link Parallel#inline}), {@code N flop rule} (opsgi.plan.threads=flops)
 * and {@code N measured} (the default). Prints each arm's median and fastest wall time per run and its median CPU
 * time per run (the sum over the JVM's threads, the JIT's and GC's included), then the measured plan's choices.
 *
 * <pre>java ... io.opsgi.benchmarks.PlanThreadsAB MODEL INPUT.npy [threads] [warmup-seconds] [seconds]</pre>
 */
public final class PlanThreadsAB {
    private PlanThreadsAB() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Tensor x = Npy.readFloat(Path.of(args[1]));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 30;
        Parallel.setThreads(threads);
        NetworkRunner.KernelSource kernels = new ModelTrial.LeasedOnce(new ClasspathKernelSource());
        NetworkDescription d = OnnxModel.isOnnx(model) ? OnnxModel.read(model).description() : NetworkDescription.read(model);
        Network net = Network.plan(d);
        Weights w = Weights.load(net);
        ExecutionPlan flops = ExecutionPlan.of(net, w, ExecutionPlan.Options.FUSED.withThreads(ExecutionPlan.ThreadChoice.FLOPS));
        ExecutionPlan measured = ExecutionPlan.of(net, w, ExecutionPlan.Options.FUSED.withThreads(ExecutionPlan.ThreadChoice.MEASURED));
        String[] names = {"1 thread", threads + " flop rule", threads + " measured"};
        Runnable[] arms = {() -> Parallel.inline(() -> flops.run(kernels, x)), () -> flops.run(kernels, x), () -> measured.run(kernels, x)};
        System.out.printf(Locale.ROOT, "# %s, %d threads; load average at start: %s%n", model, threads, Files.readString(Path.of("/proc/loadavg")).trim());
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) {
            for (Runnable a : arms) {
                a.run();
            }
        }
        List<List<long[]>> samples = new ArrayList<>();
        for (int i = 0; i < arms.length; i++) {
            samples.add(new ArrayList<>());
        }
        end = System.nanoTime() + (long) (seconds * 1e9);
        int round = 0;
        while (System.nanoTime() < end) {
            for (int k = 0; k < arms.length; k++) {
                int i = (k + round) % arms.length; // rotate the order, so no arm always follows the same one
                long c0 = processCpu(), t0 = System.nanoTime();
                arms[i].run();
                samples.get(i).add(new long[] {System.nanoTime() - t0, processCpu() - c0});
            }
            round++;
        }
        System.out.println("| arm | runs | median ms | fastest ms | median CPU ms per run |");
        System.out.println("|---|--:|--:|--:|--:|");
        for (int i = 0; i < arms.length; i++) {
            long[] wall = samples.get(i).stream().mapToLong(s -> s[0]).sorted().toArray();
            long[] cpu = samples.get(i).stream().mapToLong(s -> s[1]).sorted().toArray();
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f |%n", names[i], wall.length, wall[wall.length / 2] / 1e6, wall[0] / 1e6,
                    cpu[cpu.length / 2] / 1e6);
        }
        System.out.print(measured.describe());
        System.out.printf(Locale.ROOT, "# load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** CPU time of every thread of the JVM, in ns (the process's own counter ticks in 10 ms here). */
    private static long processCpu() {
        long sum = 0;
        for (long t : CPU.getThreadCpuTime(CPU.getAllThreadIds())) {
            sum += Math.max(0, t);
        }
        return sum;
    }

    private static final com.sun.management.ThreadMXBean CPU = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
}
