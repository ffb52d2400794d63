package io.opsgi.cli;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkException;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.net.WeightSource;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxException;
import io.opsgi.op.Tolerance;
import io.opsgi.runtime.NoKernelException;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./opsgi run MODEL --input x.npy}: plans the network for the input's shape (refusing a bad
 * description before any kernel runs), then runs it through the registry's active kernels and prints
 * per layer the time and the kernel variant that answered. {@code --expected} compares the output
 * with a reference (e.g. PyTorch's) within the network's depth-derived tolerance.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a network description or ONNX model through the active kernels; print per-layer time and the kernel that ran each layer.")
final class Run implements Callable<Integer> {
    @ParentCommand
    Commands opsgi;

    @Parameters(index = "0", paramLabel = "MODEL", description = "network description (JSON; format: examples/README.md) or ONNX model (.onnx)")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "input tensor, float32 NPY")
    Path input;

    @Option(names = "--output", paramLabel = "Y.npy", description = "write the output tensor here")
    Path output;

    @Option(names = "--expected", paramLabel = "E.npy", description = "compare the output with this tensor (exit 1 if it differs beyond the tolerance)")
    Path expected;

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
        for (Path p : new Path[] {model, input, expected}) {
            if (p != null && !Files.isRegularFile(p)) {
                System.err.println("run: no such file " + p);
                return 2;
            }
        }
        if (repeat < 1) {
            System.err.println("run: --repeat must be at least 1, got " + repeat);
            return 2;
        }
        String outputProblem = output == null ? null : OutputFiles.problem(output);
        if (outputProblem != null) {
            System.err.println("run: --output " + outputProblem);
            return 2;
        }
        Tensor x = readTensor("--input", input);
        Tensor want = expected == null ? null : readTensor("--expected", expected);
        if (x == null || (expected != null && want == null)) {
            return 2;
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
            weights = Weights.load(net);
        } catch (NetworkException | OnnxException e) {
            System.err.println("run: " + e.getMessage());
            return 1;
        }
        // Kernels that arrived with the container may still be under verification.
        opsgi.registry.awaitSettled(Commands.SETTLE_MILLIS);
        NetworkRunner.KernelSource kernels = NetworkRunner.KernelSource.of(opsgi.registry);
        ExecutionPlan plan = ExecutionPlan.of(net, weights, noFuse ? ExecutionPlan.Options.UNFUSED : noKeepLayout ? ExecutionPlan.Options.FUSED_NCHW : ExecutionPlan.Options.FUSED);
        NetworkRunner.Result r = null;
        long[] nanos = new long[repeat];
        Progress progress = new Progress("run", repeat);
        try {
            for (int i = 0; i < repeat; i++) {
                r = plan.run(kernels, x);
                nanos[i] = r.nanos();
                progress.step(i + 1);
            }
        } catch (NoKernelException e) {
            System.err.println("run: " + e.getMessage() + "; see ./opsgi list");
            return 1;
        }
        System.out.println(net.description().name() + ": " + net.layers().size() + " layers, input " + x.shape() + " -> output '" + net.output() + "' "
                + r.output().shape());
        System.out.print(plan.runTable(r));
        if (repeat > 1) {
            System.out.println(RunTimes.of(nanos).describe());
        }
        if (r.output().size() <= 16) {
            System.out.println("output: " + values(r.output()));
        }
        if (output != null) {
            Npy.write(output, r.output());
            System.out.println("wrote " + output);
        }
        if (want != null) {
            Tolerance t = NetworkTolerance.of(net, want);
            TensorComparison cmp = TensorComparison.compare("output", want, r.output(), t);
            System.out.printf(Locale.ROOT, "against %s: max abs error %.3g, tolerance %s (%s): %s%n", expected, cmp.maxAbsError(), t.describe(), t.reason(),
                    cmp.passed() ? "MATCHES" : "DIFFERS");
            if (!cmp.passed()) {
                System.out.println(cmp.problem());
                return 1;
            }
        }
        return 0;
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
