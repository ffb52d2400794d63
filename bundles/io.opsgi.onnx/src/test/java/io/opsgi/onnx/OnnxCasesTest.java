package io.opsgi.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.Network;
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
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of src/test/resources/cases (written by src/test/python/export_cases.py): the model is
 * imported for its input's shape, planned, run on the kernels of the test classpath, and its output
 * compared with the expected one (PyTorch's, or the ONNX rule computed independently by the script)
 * within the network tolerance derived from its depth.
 *
 * <p>A case with a {@code needs.txt} is lowered onto layer types or attribute forms another branch
 * adds (ops: broadcasting add/sub/mul/div, softsign, hardsigmoid alpha/beta; pools: four-int
 * padding, resize). Until they are merged, its import must be refused before anything runs, every
 * problem line naming one of the needs listed there; once they are, the case is checked like the rest.
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

    static Tensor run(Path dir, Tensor x) throws IOException {
        OnnxModel m = OnnxModel.read(dir.resolve("model.onnx"), x.shape());
        Network net = Network.plan(m.description());
        return new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), x).output();
    }

    private static void check(Path dir) throws IOException {
        Tensor x = Npy.readFloat(dir.resolve("input.npy"));
        Tensor want = Npy.readFloat(dir.resolve("expected.npy"));
        Path needsFile = dir.resolve("needs.txt");
        OnnxModel m;
        try {
            m = OnnxModel.read(dir.resolve("model.onnx"), x.shape());
        } catch (OnnxException e) {
            if (!Files.exists(needsFile)) {
                throw e;
            }
            List<String> needs = Files.readAllLines(needsFile).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            for (String problem : e.problems()) {
                assertTrue(needs.stream().anyMatch(problem::contains), () -> dir.getFileName() + ": refused for a reason needs.txt does not list: " + problem);
            }
            REPORT.add(String.format(Locale.ROOT, "%-30s waits for another branch: %s", dir.getFileName(), e.problems().size() + " refusal(s), e.g. "
                    + e.problems().get(0)));
            return;
        }
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
