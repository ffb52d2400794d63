package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsgi.conformance.TensorComparison;
import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shipped example, end to end on the kernels of the test classpath (the highest ranked per
 * op): its parameter count equals PyTorch's exactly, and its output equals PyTorch's within the
 * tolerance derived from its depth ({@link NetworkTolerance}).
 */
class ExamplesMatchPyTorchTest {
    private static final List<String> REPORT = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> everyExample() throws Exception {
        return Examples.all().stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> check(dir, new ClasspathKernelSource(), "best")));
    }

    /** The reference kernels alone, too (not the person detector: a minute of direct convolutions proves nothing more). */
    @TestFactory
    Stream<DynamicTest> everySmallExampleOnTheReferenceKernels() throws Exception {
        return Examples.all().stream().filter(dir -> !dir.getFileName().toString().equals("person_detector"))
                .map(dir -> dynamicTest(dir.getFileName().toString(), () -> check(dir, ClasspathKernelSource.referenceOnly(), "direct")));
    }

    private static void check(Path dir, NetworkRunner.KernelSource kernels, String label) throws Exception {
        JsonNode expected = Examples.json(dir.resolve("expected.json"));
        Network net = Network.plan(NetworkDescription.read(dir.resolve("model.json")));
        assertEquals(expected.get("parameters").asLong(), net.parameters(), "parameters, as PyTorch counts them");
        assertEquals(expected.get("buffers").asLong(), net.buffers(), "buffers (batch norm running statistics)");
        List<Integer> outShape = new ArrayList<>();
        expected.get("output_shape").forEach(n -> outShape.add(n.asInt()));
        assertEquals(Shape.of(outShape.stream().mapToInt(Integer::intValue).toArray()), net.outputShape(), "output shape, before running");

        Tensor x = Npy.readFloat(dir.resolve("input.npy"));
        Tensor want = Npy.readFloat(dir.resolve("expected.npy"));
        NetworkRunner.Result r = new NetworkRunner(kernels).run(net, Weights.load(net), x);
        Tolerance tol = NetworkTolerance.of(net, want);
        TensorComparison cmp = TensorComparison.compare("output", want, r.output(), tol);
        double used = usage(want, r.output(), tol);
        String variants = String.join(",", r.layers().stream().map(NetworkRunner.LayerRun::variant).filter(v -> !v.equals("-")).distinct()
                .sorted().toList());
        REPORT.add(String.format(Locale.ROOT, "%-32s %-6s params %,10d  depth %6.1f  atol %.2e  max abs err %.2e  used %5.1f%%  %8.1f ms  (%s)",
                dir.getFileName(), label, net.parameters(), NetworkTolerance.depth(net), tol.atol(), cmp.maxAbsError(), 100 * used, r.nanos() / 1e6, variants));
        assertTrue(cmp.passed(), () -> dir.getFileName() + ": " + cmp.problem());
    }

    /** The largest |error| / (atol + rtol·|expected|): how much of the allowance the worst element uses. */
    static double usage(Tensor expected, Tensor actual, Tolerance t) {
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i);
            worst = Math.max(worst, Math.abs(actual.getFlat(i) - e) / (t.atol() + t.rtol() * Math.abs(e)));
        }
        return worst;
    }

    @AfterAll
    static void printReport() {
        System.out.println("\nExamples against PyTorch 1.13 (best: every kernel on the test classpath, by rank; direct: the reference kernels):\n" + String.join("\n", REPORT));
    }
}
