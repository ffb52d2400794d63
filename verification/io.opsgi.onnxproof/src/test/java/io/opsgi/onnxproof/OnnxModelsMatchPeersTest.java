package io.opsgi.onnxproof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.ExecutionPlan;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The committed ONNX models of {@code examples/onnx} (torchvision SqueezeNet 1.1 and a reduced
 * MobileNetV2, a U-Net, shipped examples; written by {@code examples/onnx/export.py}), imported and run
 * on every kernel of the class path by rank (what a container serves) and on the reference kernels
 * alone, and as the fused {@link ExecutionPlan} on the best kernels (what {@code ./opsgi run} runs; it must
 * also match the layer-by-layer run): each output must match PyTorch's expected.npy and ONNX Runtime 1.29's output on the same
 * file and input, both within the depth-scaled tolerance of the imported network
 * ({@link NetworkTolerance}; see {@code examples/onnx/README.md} for why it applies to ONNX Runtime too).
 */
class OnnxModelsMatchPeersTest {
    static final Path EXAMPLES = Path.of(System.getProperty("opsgi.onnx.examples", "../../examples/onnx"));
    private static final List<String> REPORT = new ArrayList<>();

    /** Every model file (batch 1) of the committed examples; with -Dopsgi.onnx.full=true also those of full/ (export.py --full). */
    static List<Path> models() throws IOException {
        List<Path> files = new ArrayList<>();
        collect(EXAMPLES, files);
        assertTrue(files.size() >= 10, "the committed ONNX models in " + EXAMPLES + ": " + files);
        if (Boolean.getBoolean("opsgi.onnx.full")) {
            int committed = files.size();
            collect(EXAMPLES.resolve("full"), files);
            assertTrue(files.size() >= committed + 4, "the full-size models in " + EXAMPLES.resolve("full") + ": run /usr/bin/python3 examples/onnx/export.py --full");
        }
        return files;
    }

    private static void collect(Path root, List<Path> files) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().equals("full")).sorted().toList()) {
                try (Stream<Path> f = Files.list(dir)) {
                    f.filter(p -> p.getFileName().toString().matches("model(\\.opset\\d+)?\\.onnx")).sorted().forEach(files::add);
                }
            }
        }
    }

    static String label(Path model) {
        return EXAMPLES.relativize(model).toString();
    }

    @TestFactory
    Stream<DynamicTest> everyModelMatchesPyTorchAndOnnxRuntime() throws IOException {
        return models().stream().map(m -> dynamicTest(label(m), () -> check(m)));
    }

    /** PyTorch's outputs: expected.npy, or for a model with several outputs expected.0.npy, expected.1.npy, ... in the graph's order. */
    static List<Tensor> expected(Path model) throws IOException {
        Path one = model.resolveSibling("expected.npy");
        if (Files.exists(one)) {
            return List.of(Npy.readFloat(one));
        }
        List<Tensor> all = new ArrayList<>();
        for (Path p = model.resolveSibling("expected.0.npy"); Files.exists(p); p = model.resolveSibling("expected." + all.size() + ".npy")) {
            all.add(Npy.readFloat(p));
        }
        assertTrue(!all.isEmpty(), label(model) + ": no expected.npy or expected.0.npy beside it");
        return all;
    }

    /** The network tolerance; for one of several outputs, over the layers it is computed from. */
    private static Tolerance tolerance(Network net, String output, Tensor want) {
        return net.outputs().size() == 1 ? NetworkTolerance.of(net, want) : NetworkTolerance.of(net, output, want);
    }

    private static void check(Path file) throws Exception {
        Network net = Network.plan(OnnxModel.read(file).description());
        Weights weights = Weights.load(net);
        Tensor x = Npy.readFloat(file.resolveSibling("input.npy"));
        List<Tensor> torch = expected(file);
        List<Tensor> ort = OnnxRuntimePeer.runAll(file, x);
        assertEquals(torch.stream().map(Tensor::shape).toList(), net.outputShapes(), label(file) + ": output shapes, before running");
        assertEquals(torch.size(), ort.size(), label(file) + ": ONNX Runtime's outputs");

        // Layer by layer on the best kernels and on the references, and the fused plan ./opsgi run uses by default.
        List<Tensor> layers = new NetworkRunner(new ClasspathKernelSource()).run(net, weights, x).outputs();
        List<Tensor> direct = new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, weights, x).outputs();
        List<Tensor> fused = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED).run(new ClasspathKernelSource(), x).outputs();
        for (int i = 0; i < torch.size(); i++) {
            String out = label(file) + (torch.size() == 1 ? "" : " output " + i + " '" + net.outputs().get(i) + "'");
            // The peers agree with each other within the bound: else the bound (or a peer) is wrong, not opsgi.
            String name = net.outputs().get(i);
            Tolerance vsTorch = tolerance(net, name, torch.get(i));
            TensorComparison peers = TensorComparison.compare("ONNX Runtime vs PyTorch", torch.get(i), ort.get(i), vsTorch);
            assertTrue(peers.passed(), () -> out + ": " + peers.problem());
            TensorComparison planVsLayers = TensorComparison.compare("fused plan vs layer by layer", layers.get(i), fused.get(i),
                    tolerance(net, name, layers.get(i)));
            assertTrue(planVsLayers.passed(), () -> out + ": " + planVsLayers.problem());
            for (var run : List.of(Map.entry("best", layers.get(i)), Map.entry("direct", direct.get(i)), Map.entry("fused", fused.get(i)))) {
                String which = run.getKey();
                Tensor output = run.getValue();
                TensorComparison a = TensorComparison.compare("opsgi vs PyTorch", torch.get(i), output, vsTorch);
                TensorComparison b = TensorComparison.compare("opsgi vs ONNX Runtime", ort.get(i), output, tolerance(net, name, ort.get(i)));
                REPORT.add(String.format(Locale.ROOT, "%-52s %-6s layers %3d depth %7.1f atol %.2e | PyTorch: max err %.2e use %5.1f%% | ORT: max err %.2e use %5.1f%% | ORT vs PyTorch use %5.1f%%",
                        out, which, net.layers().size(), torch.size() == 1 ? NetworkTolerance.depth(net) : NetworkTolerance.depth(net, name), vsTorch.atol(), a.maxAbsError(), 100 * a.toleranceUse(),
                        b.maxAbsError(), 100 * b.toleranceUse(), 100 * peers.toleranceUse()));
                assertTrue(a.passed(), () -> out + " (" + which + "): " + a.problem());
                assertTrue(b.passed(), () -> out + " (" + which + "): " + b.problem());
            }
        }
    }

    @AfterAll
    static void printReport() {
        System.out.println("\nONNX models against PyTorch 1.13 and ONNX Runtime 1.29 (best: every kernel by rank; direct: the reference kernels; fused: the fused plan on every kernel by rank):\n"
                + String.join("\n", REPORT));
    }
}
