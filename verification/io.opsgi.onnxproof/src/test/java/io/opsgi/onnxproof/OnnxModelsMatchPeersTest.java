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

    private static void check(Path file) throws Exception {
        Network net = Network.plan(OnnxModel.read(file).description());
        Weights weights = Weights.load(net);
        Tensor x = Npy.readFloat(file.resolveSibling("input.npy"));
        Tensor torch = Npy.readFloat(file.resolveSibling("expected.npy"));
        Tensor ort = OnnxRuntimePeer.run(file, x);
        assertEquals(torch.shape(), net.outputShape(), label(file) + ": output shape, before running");

        // The peers agree with each other within the bound: else the bound (or a peer) is wrong, not opsgi.
        Tolerance vsTorch = NetworkTolerance.of(net, torch);
        TensorComparison peers = TensorComparison.compare("ONNX Runtime vs PyTorch", torch, ort, vsTorch);
        assertTrue(peers.passed(), () -> label(file) + ": " + peers.problem());

        // Layer by layer on the best kernels and on the references, and the fused plan ./opsgi run uses by default.
        Tensor layers = new NetworkRunner(new ClasspathKernelSource()).run(net, weights, x).output();
        Tensor fused = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED).run(new ClasspathKernelSource(), x).output();
        TensorComparison planVsLayers = TensorComparison.compare("fused plan vs layer by layer", layers, fused, NetworkTolerance.of(net, layers));
        assertTrue(planVsLayers.passed(), () -> label(file) + ": " + planVsLayers.problem());
        for (var run : List.of(Map.entry("best", layers), Map.entry("direct", new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, weights, x).output()),
                Map.entry("fused", fused))) {
            String which = run.getKey();
            Tensor output = run.getValue();
            TensorComparison a = TensorComparison.compare("opsgi vs PyTorch", torch, output, vsTorch);
            TensorComparison b = TensorComparison.compare("opsgi vs ONNX Runtime", ort, output, NetworkTolerance.of(net, ort));
            REPORT.add(String.format(Locale.ROOT, "%-52s %-6s layers %3d depth %7.1f atol %.2e | PyTorch: max err %.2e use %5.1f%% | ORT: max err %.2e use %5.1f%% | ORT vs PyTorch use %5.1f%%",
                    label(file), which, net.layers().size(), NetworkTolerance.depth(net), vsTorch.atol(), a.maxAbsError(), 100 * a.toleranceUse(),
                    b.maxAbsError(), 100 * b.toleranceUse(), 100 * peers.toleranceUse()));
            assertTrue(a.passed(), () -> label(file) + " (" + which + "): " + a.problem());
            assertTrue(b.passed(), () -> label(file) + " (" + which + "): " + b.problem());
        }
    }

    @AfterAll
    static void printReport() {
        System.out.println("\nONNX models against PyTorch 1.13 and ONNX Runtime 1.29 (best: every kernel by rank; direct: the reference kernels; fused: the fused plan on every kernel by rank):\n"
                + String.join("\n", REPORT));
    }
}
