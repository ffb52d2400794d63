package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkRunner.LayerRun;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.op.Tolerance;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Every shipped example network, run through the registry in a series while kernel bundles are
 * swapped under it: the reference kernels first; then, with a run in flight, a conv2d bundle
 * (ranking 50) and the vector activations are installed, pass the verification gate and take over;
 * then they are uninstalled while a run is in flight and the references take over again. Every run
 * must match PyTorch within the network's depth-derived tolerance, the runs on the references must
 * agree bit for bit before and after, and the runs must really have been served by both.
 *
 * <p>An imported ONNX model runs in the same series: torchvision's SqueezeNet 1.1 (10 classes, 128x128 input)
 * from {@code examples/onnx}, imported by the onnx bundle in this framework, held to PyTorch's output.
 *
 * <p>The person detector runs on a 64x64 crop of its input here (the reference conv2d would take
 * half a minute per run at 224x224): its runs are held to the reference run's output, with the same
 * tolerance; its 224x224 output is proven against PyTorch in io.opsgi.net's plain tests.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class NetworkSwapTest {
    private static final String SWAPPED_CONV = "net-swap";
    private static final String ONNX_MODEL = "squeezenet1_1_c10/model.onnx";

    @InjectBundleContext
    BundleContext context;
    @InjectService
    OperatorRegistry registry;

    /** One example: its planned network, weights, input, and what its output must be. */
    private record Example(String name, Network net, Weights weights, Tensor input, Tensor pytorch) {
    }

    @Test
    void everyExampleGivesTheSameOutputBeforeDuringAndAfterASwap() throws Exception {
        assertTrue(registry.awaitSettled(120_000), "the built-in kernels are verified");
        List<Example> examples = examples();
        NetworkRunner runner = new NetworkRunner(NetworkRunner.KernelSource.of(registry));
        Path dir = Files.createTempDirectory("opsgi-net-swap");
        Path conv = FixtureBundles.conv2d(dir, SWAPPED_CONV, 50, "none", "1.0.0");
        List<String> report = new ArrayList<>();
        for (Example e : examples) {
            Tensor reference = check(e, runner.run(e.net(), e.weights(), e.input()), null, "references");
            Set<String> before = variants(runner.run(e.net(), e.weights(), e.input()));

            // Install with a run in flight; then run until a run is served by the new kernels throughout.
            CompletableFuture<List<Bundle>> installing = CompletableFuture.supplyAsync(() -> install(conv));
            NetworkRunner.Result during = runner.run(e.net(), e.weights(), e.input());
            check(e, during, reference, "during the install");
            List<Bundle> installed = installing.get();
            Await.until("the swapped-in kernels active", () -> active("conv2d").equals(SWAPPED_CONV) && active("relu").equals("vector"), this::state);
            NetworkRunner.Result swapped = runner.run(e.net(), e.weights(), e.input());
            check(e, swapped, reference, "on the swapped-in kernels");
            Set<String> after = variants(swapped);

            // Uninstall with a run in flight: the run finishes on the kernels it leased; then the references serve again.
            CompletableFuture<Void> uninstalling = CompletableFuture.runAsync(() -> installed.forEach(NetworkSwapTest::uninstall));
            check(e, runner.run(e.net(), e.weights(), e.input()), reference, "during the uninstall");
            uninstalling.get();
            Await.until("the reference kernels again", () -> active("conv2d").equals("direct") && active("relu").equals("direct"), this::state);
            Tensor again = runner.run(e.net(), e.weights(), e.input()).output();
            assertEquals(reference, again, e.name() + ": the reference kernels give the same bits before and after the swap");

            boolean hasConv = e.net().layers().stream().anyMatch(l -> "conv2d".equals(l.op()));
            boolean hasRelu = e.net().layers().stream().anyMatch(l -> "relu".equals(l.op()) || "relu6".equals(l.op()));
            assertTrue(!hasConv || (before.contains("conv2d/direct") && after.contains("conv2d/" + SWAPPED_CONV)),
                    e.name() + ": conv2d served by the reference, then by the swapped-in kernel: " + before + " -> " + after);
            assertTrue(!hasRelu || after.stream().anyMatch(v -> v.endsWith("/vector")),
                    e.name() + ": the vector activations served after the swap: " + after);
            report.add(String.format(Locale.ROOT, "%-32s before %s, after %s", e.name(), before, after));
        }
        System.out.println("networks across a kernel swap:\n" + String.join("\n", report));
    }

    /** The run's output against PyTorch (where its output exists) and against the reference run; returns the output. */
    private static Tensor check(Example e, NetworkRunner.Result r, Tensor reference, String when) {
        Tensor want = e.pytorch() != null ? e.pytorch() : reference;
        if (want != null) {
            Tolerance t = NetworkTolerance.of(e.net(), want);
            TensorComparison cmp = TensorComparison.compare("output", want, r.output(), t);
            assertTrue(cmp.passed(), () -> e.name() + " " + when + " (" + variants(r) + "): " + cmp.problem());
        }
        return r.output();
    }

    /** op/variant of every layer that ran on a kernel. */
    private static Set<String> variants(NetworkRunner.Result r) {
        Set<String> s = new TreeSet<>();
        for (LayerRun run : r.layers()) {
            if (run.servedBy() != null) {
                s.add(run.servedBy().op() + "/" + run.servedBy().variant());
            }
        }
        return s;
    }

    private List<Bundle> install(Path conv) {
        try {
            List<Bundle> b = new ArrayList<>();
            for (Path jar : List.of(conv, Path.of(context.getProperty("opsgi.itest.vector.jar")))) {
                Bundle bundle = context.installBundle(jar.toUri().toString());
                bundle.start();
                b.add(bundle);
            }
            return b;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void uninstall(Bundle b) {
        try {
            b.uninstall();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Example> examples() throws Exception {
        String prop = context.getProperty("opsgi.itest.examples");
        // Until the bndrun names it, the examples live next to the reference vectors at the top of the repository.
        Path root = prop != null ? Path.of(prop) : Path.of(context.getProperty("opsgi.itest.vectors")).resolveSibling("examples");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> Files.isRegularFile(p.resolve("model.json"))).sorted().toList();
        }
        assertTrue(dirs.size() >= 7, "the shipped examples in " + root + ": " + dirs);
        List<Example> examples = new ArrayList<>();
        for (Path dir : dirs) {
            NetworkDescription d = NetworkDescription.read(dir.resolve("model.json"));
            Tensor x = Npy.readFloat(dir.resolve("input.npy"));
            Tensor expected = Npy.readFloat(dir.resolve("expected.npy"));
            if (dir.getFileName().toString().equals("person_detector")) {
                x = crop(x, 64);
                d = d.withInputShape(x.shape());
                expected = null;
            }
            Network net = Network.plan(d);
            long params = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("parameters").asLong();
            assertEquals(params, net.parameters(), dir.getFileName() + ": parameters, as PyTorch counts them");
            examples.add(new Example(dir.getFileName().toString(), net, Weights.load(net), x, expected));
        }
        Path onnx = root.resolve("onnx").resolve(ONNX_MODEL);
        Network net = Network.plan(OnnxModel.read(onnx).description());
        examples.add(new Example("onnx:" + ONNX_MODEL, net, Weights.load(net), Npy.readFloat(onnx.resolveSibling("input.npy")),
                Npy.readFloat(onnx.resolveSibling("expected.npy"))));
        return examples;
    }

    /** The top-left size x size of every plane of an (N, C, H, W) tensor. */
    private static Tensor crop(Tensor x, int size) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        float[] d = new float[n * c * size * size];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < size; i++) {
                System.arraycopy(x.buffer(), (p * h + i) * w, d, (p * size + i) * size, size);
            }
        }
        return Tensor.wrap(Shape.of(n, c, size, size), d);
    }

    private String active(String op) {
        return registry.active(op).map(KernelDescriptor::variant).orElse("none");
    }

    private String state() {
        return System.lineSeparator() + KernelTable.format(registry.kernels());
    }
}
