package io.opsgi.cli;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkException;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.net.PlannedLayer;
import io.opsgi.net.WeightSource;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxException;
import io.opsgi.op.Tolerance;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.NoKernelException;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./opsgi run MODEL --input x.npy}: plans the network for the input's shape (refusing a bad
 * description before any kernel runs), then runs it through the registry's active kernels and prints
 * per layer the time and the kernel variant that answered. {@code --expected} compares the output
 * with a reference (e.g. PyTorch's) within the network's depth-derived tolerance. A network with
 * several outputs takes one {@code --output} and one {@code --expected} per output, in its order.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a network description or ONNX model through the active kernels; print per-layer time and the kernel that ran each layer.")
final class Run implements Callable<Integer> {
    @ParentCommand
    Commands opsgi;

    @Parameters(index = "0", paramLabel = "MODEL", description = "network description (JSON; format: examples/README.md) or ONNX model (.onnx)")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "input tensor, float32 NPY")
    Path input;

    @Option(names = "--output", paramLabel = "Y.npy", description = "write the output tensor here; a network with several outputs: repeat it, "
            + "one file per output in the network's order (./opsgi summary lists them), or give none")
    List<Path> outputs = new ArrayList<>();

    @Option(names = "--expected", paramLabel = "E.npy", description = "compare the output with this tensor (exit 1 if it differs beyond the tolerance); "
            + "a network with several outputs: repeat it, one file per output in the network's order, or give none")
    List<Path> expected = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "use seeded weights instead of the description's weight files")
    Long seed;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "run N times; print the median and the fastest time and the last "
            + "run's per-layer table (default 1)")
    int repeat;

    @Option(names = "--no-fuse", description = "run layer by layer (the reference plan) instead of the fused plan: no batch norm folding, "
            + "no epilogues, no prepared kernels, one allocation per layer")
    boolean noFuse;

    @Option(names = "--no-keep-layout", description = "keep NCHW between all steps of the fused plan (each blocked conv converts its own input and output) instead of keeping the channel-blocked layout between conv steps whose kernels exchange it")
    boolean noKeepLayout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Path> inputs = new ArrayList<>(List.of(model, input));
        inputs.addAll(expected);
        for (Path p : inputs) {
            if (!Files.isRegularFile(p)) {
                System.err.println("run: no such file " + p);
                return 2;
            }
        }
        if (repeat < 1) {
            System.err.println("run: --repeat must be at least 1, got " + repeat);
            return 2;
        }
        for (Path output : outputs) {
            String outputProblem = OutputFiles.problem(output);
            if (outputProblem != null) {
                System.err.println("run: --output " + outputProblem);
                return 2;
            }
        }
        Tensor x = readTensor("--input", input);
        if (x == null) {
            return 2;
        }
        List<Tensor> wants = new ArrayList<>();
        for (Path e : expected) {
            Tensor want = readTensor("--expected", e);
            if (want == null) {
                return 2;
            }
            wants.add(want);
        }
        Network net;
        Weights weights;
        try {
            // an ONNX model is imported for the input's shape (its folded shape arithmetic depends on it)
            NetworkDescription d = Models.read(model, x.shape());
            if (seed != null) {
                d = d.withWeights(new WeightSource.Seeded(seed));
            }
            if (!d.inputShape().equals(x.shape())) {
                System.err.println("run: the input has shape " + x.shape() + ", the description says " + d.inputShape() + "; planning for the input");
                d = d.withInputShape(x.shape());
            }
            net = Network.plan(d);
            String counts = fileCounts(net);
            if (counts != null) {
                System.err.println("run: " + counts);
                return 2;
            }
            weights = Weights.load(net);
        } catch (NetworkException | OnnxException e) {
            System.err.println("run: " + e.getMessage());
            return 1;
        }
        NetworkRunner.KernelSource kernels = NetworkRunner.KernelSource.of(opsgi.registry);
        ExecutionPlan plan = ExecutionPlan.of(net, weights, noFuse ? ExecutionPlan.Options.UNFUSED : noKeepLayout ? ExecutionPlan.Options.FUSED_NCHW : ExecutionPlan.Options.FUSED);
        NetworkRunner.Result r = null;
        long[] nanos = new long[repeat];
        Progress progress = new Progress("run", repeat);
        // Kernels that arrived with the container may still be under verification: this network's ops go first, and
        // the other ops' kernels wait until the runs are done (they would share the cores with the runs' timings).
        Set<String> ops = ops(net);
        try (OperatorRegistry.Focus focus = opsgi.registry.focus(ops)) {
            long t0 = System.nanoTime();
            // Passes remembered from an earlier run come back at once: only a real verification is worth a line.
            boolean settled = focus.awaitSettled(REMEMBERED_MILLIS);
            String waiting = settled ? null : waiting(opsgi.registry.kernels(), ops);
            if (waiting != null) {
                System.err.println("run: " + waiting);
            }
            settled = settled || focus.awaitSettled(Commands.SETTLE_MILLIS);
            if (waiting != null) {
                System.err.printf(Locale.ROOT, "run: %s after %.0f s%n", settled ? "verified" : "still pending (the run takes the kernels verified so far)",
                        (System.nanoTime() - t0) / 1e9);
            }
            for (int i = 0; i < repeat; i++) {
                r = plan.run(kernels, x);
                nanos[i] = r.nanos();
                progress.step(i + 1);
            }
        } catch (NoKernelException e) {
            System.err.println("run: " + e.getMessage() + "; see ./opsgi list");
            return 1;
        }
        boolean several = net.outputs().size() > 1;
        List<String> described = new ArrayList<>();
        for (int i = 0; i < net.outputs().size(); i++) {
            described.add("'" + net.outputs().get(i) + "' " + r.outputs().get(i).shape());
        }
        System.out.println(net.description().name() + ": " + net.layers().size() + " layers, input " + x.shape() + " -> output" + (several ? "s " : " ")
                + String.join(", ", described));
        System.out.print(plan.runTable(r));
        if (repeat > 1) {
            System.out.println(RunTimes.of(nanos).describe());
        }
        for (int i = 0; i < net.outputs().size(); i++) {
            if (r.outputs().get(i).size() <= 16) {
                System.out.println("output" + which(net, i) + ": " + values(r.outputs().get(i)));
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            Npy.write(outputs.get(i), r.outputs().get(i));
            System.out.println("wrote " + outputs.get(i) + (several ? " (output '" + net.outputs().get(i) + "')" : ""));
        }
        boolean differs = false;
        for (int i = 0; i < wants.size(); i++) {
            Tensor want = wants.get(i);
            Tolerance t = several ? NetworkTolerance.of(net, net.outputs().get(i), want) : NetworkTolerance.of(net, want);
            TensorComparison cmp = TensorComparison.compare(several ? net.outputs().get(i) : "output", want, r.outputs().get(i), t);
            System.out.printf(Locale.ROOT, "against %s%s: max abs error %.3g, tolerance %s (%s): %s%n", expected.get(i), several ? " (output '"
                    + net.outputs().get(i) + "')" : "", cmp.maxAbsError(), t.describe(), t.reason(), cmp.passed() ? "MATCHES" : "DIFFERS");
            if (!cmp.passed()) {
                System.out.println(cmp.problem());
                differs = true;
            }
        }
        return differs ? 1 : 0;
    }

    /** How long a run waits quietly for its kernels before it says which it waits for (remembered passes take milliseconds). */
    private static final long REMEMBERED_MILLIS = 1_000;

    /**
     * What the run waits for, for its line on stderr: e.g. {@code the gate is verifying 3 kernels of this network's ops
     * first (blocked conv2d, gemm conv2d, vector relu); ./opsgi list shows them}; null if none of {@code ops} is pending.
     */
    static String waiting(List<KernelDescriptor> kernels, Set<String> ops) {
        List<String> pending = kernels.stream().filter(k -> ops.contains(k.op()) && k.state() == KernelState.PENDING)
                .map(k -> k.variant() + " " + k.op()).sorted().toList();
        if (pending.isEmpty()) {
            return null;
        }
        return "the gate is verifying " + pending.size() + " kernel" + (pending.size() == 1 ? "" : "s") + " of this network's ops first ("
                + String.join(", ", pending) + "); ./opsgi list shows them";
    }

    /** The ops of the network's layers: every op its plan can lease (fused layers included). */
    private static Set<String> ops(Network net) {
        Set<String> ops = new TreeSet<>();
        net.layers().stream().map(PlannedLayer::op).filter(Objects::nonNull).forEach(ops::add);
        return ops;
    }

    /** Null if every --output / --expected count is none or one per output; else why not, naming the outputs in order. */
    private String fileCounts(Network net) {
        int n = net.outputs().size();
        for (var option : List.of(Map.entry("--output", outputs.size()), Map.entry("--expected", expected.size()))) {
            if (option.getValue() != 0 && option.getValue() != n) {
                return option.getValue() + " " + option.getKey() + " file" + (option.getValue() == 1 ? "" : "s") + " for " + n + " outputs "
                        + net.outputs().stream().map(o -> "'" + o + "'").toList() + "; give one per output, in this order, or none";
            }
        }
        return null;
    }

    /** {@code " 'logits'"} for output i of a network with several, nothing for a one-output network (its messages stay as they were). */
    private static String which(Network net, int i) {
        return net.outputs().size() == 1 ? "" : " '" + net.outputs().get(i) + "'";
    }

    /** The tensor, or null after saying in one line why it cannot be read. */
    private static Tensor readTensor(String option, Path file) {
        try {
            return Npy.readFloat(file);
        } catch (IOException e) {
            System.err.println("run: " + option + " " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static String values(Tensor t) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < t.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", t.getFlat(i)));
        }
        return sb.append("]").toString();
    }
}
