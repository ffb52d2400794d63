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
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The fused plan with the blocked layout kept between conv steps (A) against the same plan with NCHW between all
 * steps (B), alternated run by run in one JVM so both see the same machine load; per run the calling thread's CPU
 * time (at 1 thread the whole run's work, robust to other processes) and the wall time. Checks A and B give the
 * same bits.
 *
 * <pre>java ... io.opsgi.benchmarks.LayoutAB MODEL INPUT.npy [threads] [warmup-seconds] [rounds]</pre>
 */
public final class LayoutAB {
    private LayoutAB() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Tensor x = Npy.readFloat(Path.of(args[1]));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 20;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        Parallel.setThreads(threads);
        NetworkRunner.KernelSource kernels = new ModelTrial.LeasedOnce(new ClasspathKernelSource());
        NetworkDescription d = OnnxModel.isOnnx(model) ? OnnxModel.read(model).description() : NetworkDescription.read(model);
        Network net = Network.plan(d);
        Weights weights = Weights.load(net);
        ExecutionPlan a = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        ExecutionPlan b = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED_NCHW);
        float[] ya = a.run(kernels, x).output().toArray(), yb = b.run(kernels, x).output().toArray();
        System.out.printf(Locale.ROOT, "# %s, %d thread(s), load average at start: %s; A = kept layouts, B = NCHW between steps; same bits: %s%n",
                model, threads, Files.readString(Path.of("/proc/loadavg")).trim(), Arrays.equals(ya, yb));
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) {
            a.run(kernels, x);
            b.run(kernels, x);
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[][] cpuNs = new long[2][rounds], wallNs = new long[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int which = (r + k) % 2; // alternate which goes first
                ExecutionPlan p = which == 0 ? a : b;
                long c0 = cpu.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                p.run(kernels, x);
                wallNs[which][r] = System.nanoTime() - t0;
                cpuNs[which][r] = cpu.getCurrentThreadCpuTime() - c0;
            }
        }
        System.out.printf(Locale.ROOT, "# load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("plan | CPU ms median (p25-p75) | wall ms median (fastest)");
        for (int k = 0; k < 2; k++) {
            Arrays.sort(cpuNs[k]);
            Arrays.sort(wallNs[k]);
            System.out.printf(Locale.ROOT, "%s | %.2f (%.2f-%.2f) | %.2f (%.2f)%n", k == 0 ? "A kept layouts" : "B NCHW between steps",
                    cpuNs[k][rounds / 2] / 1e6, cpuNs[k][rounds / 4] / 1e6, cpuNs[k][rounds * 3 / 4] / 1e6, wallNs[k][rounds / 2] / 1e6, wallNs[k][0] / 1e6);
        }
        System.out.printf(Locale.ROOT, "A/B CPU median ratio: %.3f%n", (double) cpuNs[0][rounds / 2] / cpuNs[1][rounds / 2]);
        System.out.print(a.describe());
    }
}
