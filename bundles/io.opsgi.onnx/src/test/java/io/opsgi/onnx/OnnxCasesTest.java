package io.opsgi.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.LayerSpec;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkDescription;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.net.Weights;
import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of src/test/resources/cases (written by src/test/python/export_cases.py): the model is
 * imported for its input's shape, planned, run on the kernels of the test classpath, and its output
 * compared with the expected one (PyTorch's, or the ONNX rule computed independently by the script)
 * within the network tolerance derived from its depth.
 */
class OnnxCasesTest {
    private static final List<String> REPORT = new ArrayList<>();

    static Path cases() {
        try {
            return Path.of(OnnxCasesTest.class.getResource("/cases").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> all() throws IOException {
        try (Stream<Path> s = Files.list(cases())) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        return all().stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    /**
     * The expected outputs tell ONNX's rule from the PyTorch-like misreading a wrong lowering would
     * make: the case's description with one layer's attributes changed that way runs, and differs.
     */
    @Test
    void theExpectedOutputsCatchAWrongLowering() throws IOException {
        // Softmax before opset 13 normalizes over C*H*W together, not along C alone (PyTorch's dim=1)
        assertCaught("softmax_axis1_opset11", d -> List.of(new LayerSpec("sm", "softmax", List.of(NetworkDescription.INPUT), Map.of("dim", 1))));
        // ConvTranspose output_shape with an odd total pad: ONNX Runtime crops the odd one at the end (NOTSET), not the start
        assertCaught("conv_transpose_output_shape", d -> replaceAttr(d, "pad", List.of(-2, 0, 0, -1)));
        // AveragePool: ONNX's count_include_pad defaults to 0, PyTorch's to True
        assertCaught("pools", d -> replaceAttr(d, "count_include_pad", true));
        // Slice along C (x.chunk(2, dim=1)): the first half's crop one channel off (channels 1-3 for 0-2) keeps the shape
        assertCaught("shuffle_unit", d -> replaceAttr(d, "pad", List.of(0, 0, -1, -2)));
        // Gather of data along C (x[:, 0]): channel 1 for channel 0 keeps the shape
        assertCaught("transform_input", d -> replaceAttr(d, "pad", List.of(0, 0, -1, -1)));
    }

    private static List<LayerSpec> replaceAttr(NetworkDescription d, String key, Object value) {
        List<LayerSpec> layers = new ArrayList<>();
        boolean done = false;
        for (LayerSpec l : d.layers()) {
            if (!done && l.attrs().containsKey(key) && !value.equals(l.attrs().get(key))) {
                Map<String, Object> a = new LinkedHashMap<>(l.attrs());
                a.put(key, value);
                l = new LayerSpec(l.name(), l.type(), l.inputs(), a);
                done = true;
            }
            layers.add(l);
        }
        assertTrue(done, "no layer with " + key + " to change");
        return layers;
    }

    private static void assertCaught(String name, Function<NetworkDescription, List<LayerSpec>> wrong) throws IOException {
        Path dir = cases().resolve(name);
        Tensor x = Npy.readFloat(dir.resolve("input.npy"));
        Tensor want = Npy.readFloat(dir.resolve("expected.npy"));
        NetworkDescription d = OnnxModel.read(dir.resolve("model.onnx"), x.shape()).description();
        List<LayerSpec> layers = wrong.apply(d);
        Network net = Network.plan(new NetworkDescription(d.name(), d.inputShape(), d.weights(), layers, layers.get(layers.size() - 1).name()));
        assertEquals(want.shape(), net.outputShape(), name + ": the wrong lowering keeps the shape, so only the values can catch it");
        Tensor got = new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), x).output();
        assertFalse(TensorComparison.compare("output", want, got, NetworkTolerance.of(net, want)).passed(), name + ": the wrong lowering was not caught");
    }

    private static void check(Path dir) throws IOException {
        Tensor x = Npy.readFloat(dir.resolve("input.npy"));
        Tensor want = Npy.readFloat(dir.resolve("expected.npy"));
        OnnxModel m = OnnxModel.read(dir.resolve("model.onnx"), x.shape());
        Network net = Network.plan(m.description());
        assertEquals(want.shape(), net.outputShape(), "output shape, before running");
        Tensor got = new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), x).output();
        Tolerance tol = NetworkTolerance.of(net, want);
        TensorComparison cmp = TensorComparison.compare("output", want, got, tol);
        REPORT.add(String.format(Locale.ROOT, "%-30s opset %2d  %3d layers  depth %5.1f  atol %.2e  max abs err %.2e", dir.getFileName(), m.opset(),
                net.layers().size(), NetworkTolerance.depth(net), tol.atol(), cmp.maxAbsError()));
        assertTrue(cmp.passed(), () -> dir.getFileName() + ": " + cmp.problem());
    }

    @AfterAll
    static void printReport() {
        System.out.println("\nONNX cases against their expected outputs:\n" + String.join("\n", REPORT));
    }
}
