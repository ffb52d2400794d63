package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedConv2d;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a whole model's time goes on the fused plan: runs one model (an .onnx file or a model.json) for a
 * fixed time after a warm-up and prints, per step of the plan, its share of the run (median of its own
 * per-run times), then the totals by kernel variant. Meant to run under a sampling profiler (JFR:
 * {@code -XX:StartFlightRecording=filename=x.jfr,settings=profile}) for what happens inside each step.
 * With 0 seconds it prints the cold first run, step by step, and ends: what a one-shot {@code ./opsgi run} sees.
 *
 * <pre>java ... io.opsgi.benchmarks.PlanProfile MODEL INPUT.npy [threads] [warmup-seconds] [seconds] [warm] [nchw]</pre>
 * ({@code warm}: the experiment of a background warm-up on a small conv while the model loads, see the README's cold start;
 * {@code nchw}: the fused plan with NCHW between all steps, {@code --no-keep-layout}, to set against the default)
 */
public final class PlanProfile {
    private PlanProfile() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Tensor x = Npy.readFloat(Path.of(args[1]));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 20;
        Parallel.setThreads(threads);
        NetworkRunner.KernelSource kernels = new ModelTrial.LeasedOnce(new ClasspathKernelSource());
        // Experiment (6th argument "warm"): JIT-warm the conv path on a small conv in the background while the model loads.
        AtomicBoolean loaded = new AtomicBoolean();
        Thread warm = new Thread(() -> warmConv(kernels, loaded), "warm-up");
        List<String> flags = args.length > 5 ? List.of(args).subList(5, args.length) : List.of();
        if (flags.contains("warm")) {
            warm.start();
        }
        NetworkDescription d = OnnxModel.isOnnx(model) ? OnnxModel.read(model).description() : NetworkDescription.read(model);
        Network net = Network.plan(d);
        ExecutionPlan plan = ExecutionPlan.of(net, Weights.load(net), flags.contains("nchw") ? ExecutionPlan.Options.FUSED_NCHW : ExecutionPlan.Options.FUSED);
        loaded.set(true);
        warm.join();
        System.out.printf(Locale.ROOT, "# %s, %d thread(s); load average at start: %s%n", model, threads, Files.readString(Path.of("/proc/loadavg")).trim());
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long c0 = cpu.getCurrentThreadCpuTime(), p0 = processCpu();
        long t0 = System.nanoTime();
        NetworkRunner.Result first = plan.run(kernels, x);
        long t1 = System.nanoTime();
        System.out.printf(Locale.ROOT, "# first run: %.2f s CPU on the calling thread, %.2f s CPU in the process (JIT threads included)%n",
                (cpu.getCurrentThreadCpuTime() - c0) / 1e9, (processCpu() - p0) / 1e9);
        NetworkRunner.Result second = plan.run(kernels, x);
        System.out.printf(Locale.ROOT, "# first run: %.1f ms, second run %.1f ms; first result %.1f s after the JVM started%n", (t1 - t0) / 1e6,
                second.nanos() / 1e6, ManagementFactory.getRuntimeMXBean().getUptime() / 1e3 - (System.nanoTime() - t1) / 1e9);
        if (seconds <= 0) {
            System.out.println(plan.runTable(first));
            return;
        }
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) {
            plan.run(kernels, x);
        }
        List<long[]> perStep = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        NetworkRunner.Result last = first;
        end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            last = plan.run(kernels, x);
            long[] s = new long[last.layers().size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = last.layers().get(i).nanos();
            }
            perStep.add(s);
            totals.add(last.nanos());
        }
        int runs = perStep.size(), steps = perStep.get(0).length;
        long[] total = totals.stream().mapToLong(Long::longValue).sorted().toArray();
        double median = total[runs / 2] / 1e6;
        System.out.printf(Locale.ROOT, "# %d runs; median %.3f ms, min %.3f ms%n", runs, median, total[0] / 1e6);
        System.out.println("| step | layers | kernel | median ms | share |");
        System.out.println("|--:|---|---|--:|--:|");
        Map<String, Double> byKernel = new LinkedHashMap<>();
        double sum = 0;
        double[] med = new double[steps];
        for (int i = 0; i < steps; i++) {
            long[] v = new long[runs];
            for (int r = 0; r < runs; r++) {
                v[r] = perStep.get(r)[i];
            }
            Arrays.sort(v);
            med[i] = v[runs / 2] / 1e6;
            sum += med[i];
        }
        for (int i = 0; i < steps; i++) {
            NetworkRunner.LayerRun l = last.layers().get(i);
            String kernel = l.layer().op() == null ? "-" : l.layer().op() + " " + l.variant();
            byKernel.merge(kernel, med[i], Double::sum);
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %.3f | %.1f%% |%n", i + 1, l.layer().name() + " (" + l.layer().type() + ")", kernel, med[i],
                    100 * med[i] / sum);
        }
        System.out.println();
        System.out.println("| kernel | ms (sum of step medians) | share |");
        System.out.println("|---|--:|--:|");
        double s = sum;
        byKernel.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.3f | %.1f%% |%n", e.getKey(), e.getValue(), 100 * e.getValue() / s));
        System.out.println();
        System.out.print(plan.describe()); // the threads each step chose, with its medians on one and on all threads
        System.out.printf(Locale.ROOT, "# load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Runs a small prepared 3x3 conv (relu epilogue) on the conv2d chain until {@code loaded}. */
    private static void warmConv(NetworkRunner.KernelSource kernels, AtomicBoolean loaded) {
        Conv2dKernel k = kernels.lease(Conv2d.OP, Conv2dKernel.class).kernel();
        ConvGeometry g = Conv2d.geometry(Shape.of(1, 32, 14, 14), Shape.of(32, 32, 3, 3), null, Conv2dAttrs.defaults().withPadding(1));
        float[] w = new float[32 * 32 * 9], x = new float[32 * 14 * 14], y = new float[x.length];
        java.util.Arrays.fill(w, 0.01f);
        java.util.Arrays.fill(x, 1f);
        PreparedConv2d p = k.prepare(g, w, null, Epilogue.NONE.withActivation(ActivationAttrs.of(Activation.RELU)));
        int runs = 0;
        long t0 = System.nanoTime();
        while (!loaded.get()) {
            p.run(x, null, y);
            runs++;
        }
        System.out.printf(Locale.ROOT, "# warm-up: %d runs of a 32x32x14x14 3x3 conv in %.1f s%n", runs, (System.nanoTime() - t0) / 1e9);
    }
}
