package io.opsgi.onnxproof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.TensorComparison;
import io.opsgi.net.ClasspathKernelSource;
import io.opsgi.net.Network;
import io.opsgi.net.NetworkRunner;
import io.opsgi.net.NetworkTolerance;
import io.opsgi.net.PlannedLayer;
import io.opsgi.net.Weights;
import io.opsgi.onnx.OnnxException;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.op.Tolerance;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * onnx 1.12's own backend node cases (reference-vectors/onnx, FORMAT.md "ONNX node cases"), imported
 * from their model bytes and run on every kernel variant of every op in the imported network: one
 * variant pinned at a time, the reference kernels for the rest (and once on the reference kernels
 * alone). Each output must match onnx's expected output within the network tolerance of the
 * imported network ({@link NetworkTolerance}: the op's own conformance bound, summed over the layers
 * the node became).
 *
 * <p>Cases the importer refuses are listed, with the importer's one-line message, in
 * {@code reference-vectors/onnx/refused.txt}: a refusal not listed there (or listed with another
 * message), an accepted case listed there, and a case with other element types that is accepted all
 * fail. {@code -Dopsgi.onnx.record=true} rewrites the list from what the importer says now.
 */
class OnnxNodeCasesTest {
    static final Path ROOT = Path.of(System.getProperty("opsgi.onnx.vectors", "../../reference-vectors/onnx"));
    static final Path REFUSED = ROOT.resolve("refused.txt");
    /** Cases whose onnx 1.12 expected output ONNX Runtime 1.29 and opsgi both contradict, with the reason: replayed against ONNX Runtime. */
    static final Map<String, String> DISPUTED = readList(ROOT.resolve("disputed.txt"));
    private static final List<DiscoveredKernel> KERNELS = ClasspathKernelSource.ALL;
    private static final Map<String, String> SEEN_REFUSALS = new ConcurrentSkipListMap<>();
    private static final Map<String, int[]> TALLY = new ConcurrentSkipListMap<>(); // op/variant -> passed, declined
    private static final Map<String, Double> WORST_USE = new ConcurrentSkipListMap<>();

    @TestFactory
    Stream<DynamicTest> everyCaseOnEveryKernel() throws Exception {
        Map<String, String> listed = listedRefusals();
        return OnnxNodeCases.load(ROOT).stream().map(c -> dynamicTest(c.toString(), () -> replay(c, listed)));
    }

    private static void replay(OnnxNodeCases.Case c, Map<String, String> listed) throws Exception {
        OnnxModel model;
        try {
            model = OnnxModel.read(c.model());
        } catch (OnnxException e) {
            // One line per problem; refused.txt joins a case's problems with " | ".
            String message = String.join(" | ", e.problems());
            SEEN_REFUSALS.put(c.toString(), message);
            assertFalse(e.problems().isEmpty(), c + ": a refusal names its problems");
            e.problems().forEach(p -> assertFalse(p.isBlank() || p.contains("\n"), c + ": a problem is one line: " + p));
            if (!record()) {
                assertEquals(listed.get(c.toString()), message, c + ": refused, as reference-vectors/onnx/refused.txt must say (-Dopsgi.onnx.record=true rewrites it)");
            }
            return;
        }
        assertFalse(listed.containsKey(c.toString()) && !record(), c + ": accepted, but refused.txt lists it as refused: " + listed.get(c.toString()));
        if (!c.notFloat32().isEmpty()) {
            fail(c + ": a model with " + c.notFloat32() + " tensors was accepted; opsgi computes float32 only");
        }
        if (c.dataOmitted() != null) {
            fail(c + ": accepted, but its data was not committed (" + c.dataOmitted() + "); raise DATA_LIMIT in generate.py");
        }
        Network net = Network.plan(model.description());
        assertEquals(c.expected().size(), net.outputs().size(), c + ": onnx's model has outputs " + c.expected().keySet() + ", the network " + net.outputs());
        Weights weights = Weights.load(net);
        Tensor x = Npy.readFloat(c.inputs().values().iterator().next());
        // cases.json keeps the expected outputs by name (sorted): paired with the network's outputs through the graph's order
        assertEquals(new java.util.TreeSet<>(c.expected().keySet()), new java.util.TreeSet<>(model.outputNames()), c + ": the graph's outputs");
        List<Tensor> wants = new ArrayList<>();
        for (String name : model.outputNames()) {
            wants.add(Npy.readFloat(c.expected().get(name)));
        }
        String dispute = DISPUTED.get(c.toString());
        if (dispute != null) {
            assertEquals(1, wants.size(), c + ": a disputed case is replayed against ONNX Runtime's one output");
            Tensor want = wants.get(0);
            // onnx 1.12's expected output is disputed (disputed.txt says why): ONNX Runtime's output is the reference,
            // and the dispute must still hold (else the case goes back to onnx's expected output).
            Tensor ort = OnnxRuntimePeer.run(c.model(), x);
            assertFalse(TensorComparison.compare("ONNX Runtime vs onnx 1.12", want, ort, NetworkTolerance.of(net, want)).passed(),
                    c + ": listed in disputed.txt, but ONNX Runtime now agrees with onnx's expected output");
            wants.set(0, ort);
        }
        List<Tolerance> tols = new ArrayList<>();
        for (int i = 0; i < wants.size(); i++) {
            tols.add(tolerance(c, net, i, wants.get(i)));
        }

        check(c, "reference", net, weights, x, model.outputNames(), wants, tols, ClasspathKernelSource.referenceOnly(), null);
        List<String> ops = net.layers().stream().map(PlannedLayer::op).filter(Objects::nonNull).distinct().toList();
        for (String op : ops) {
            for (String variant : ClasspathKernelSource.variants(op)) {
                check(c, op + "/" + variant, net, weights, x, model.outputNames(), wants, tols, ClasspathKernelSource.pin(op, variant), op);
            }
        }
    }

    /**
     * The imported network's tolerance ({@link NetworkTolerance}); for AveragePool at least the sqrt(K)
     * bound of its window: opsgi's average pools are bit-exact against PyTorch (both sum the window in
     * float32, in the same order), but onnx's reference (numpy) sums in another order, so its result
     * differs by the rounding of a K-term sum (up to 683 ulp of a near-zero mean: 2e-8 at |x| ~ 1).
     */
    static Tolerance tolerance(OnnxNodeCases.Case c, Network net, int output, Tensor want) {
        Tolerance t = net.outputs().size() == 1 ? NetworkTolerance.of(net, want) : NetworkTolerance.of(net, net.outputs().get(output), want);
        if (!c.onnxOp().equals("AveragePool")) {
            return t;
        }
        int k = 1;
        for (var d : c.attrs().get("kernel_shape")) {
            k *= d.asInt();
        }
        Tolerance window = ToleranceClass.reduction(k, want);
        return Tolerance.close(Math.max(t.rtol(), window.rtol()), Math.max(t.atol(), window.atol()), "onnx's reference averages in another order: "
                + window.reason());
    }

    /** Every output against onnx's expected one, in the graph's order, each within its tolerance. */
    private static void check(OnnxNodeCases.Case c, String label, Network net, Weights weights, Tensor x, List<String> names, List<Tensor> wants,
            List<Tolerance> tols, NetworkRunner.KernelSource kernels, String pinnedOp) {
        Tensor before = Tensor.of(x.shape(), x.toArray());
        NetworkRunner.Result r = new NetworkRunner(kernels).run(net, weights, x);
        assertEquals(before, x, c + " on " + label + ": the input was written");
        double use = 0;
        for (int i = 0; i < wants.size(); i++) {
            TensorComparison cmp = TensorComparison.compare(names.get(i), wants.get(i), r.outputs().get(i), tols.get(i));
            assertTrue(cmp.passed(), () -> c + " on " + label + ": " + cmp.problem());
            use = Math.max(use, cmp.toleranceUse());
        }
        if (pinnedOp == null) {
            return;
        }
        boolean served = r.layers().stream().anyMatch(l -> pinnedOp.equals(l.layer().op()) && label.equals(pinnedOp + "/" + l.variant()));
        int[] t = TALLY.computeIfAbsent(label, k -> new int[2]);
        synchronized (t) {
            t[served ? 0 : 1]++;
        }
        if (served) {
            WORST_USE.merge(label, use, Math::max);
        }
    }

    /** Every line of refused.txt names a case that exists (a renamed or dropped case leaves no stale entry). */
    @Test
    void everyListedRefusalNamesACase() throws Exception {
        List<String> names = OnnxNodeCases.load(ROOT).stream().map(OnnxNodeCases.Case::toString).toList();
        for (String listed : listedRefusals().keySet()) {
            assertTrue(names.contains(listed), "refused.txt lists " + listed + ", which generate.py does not write");
        }
        for (String listed : DISPUTED.keySet()) {
            assertTrue(names.contains(listed), "disputed.txt lists " + listed + ", which generate.py does not write");
        }
    }

    static boolean record() {
        return Boolean.getBoolean("opsgi.onnx.record");
    }

    /** refused.txt: "<OnnxOp>/<case><TAB><the importer's message>" per line, sorted; '#' starts a comment. */
    static Map<String, String> listedRefusals() {
        return readList(REFUSED);
    }

    /** "<OnnxOp>/<case><TAB><text>" lines; '#' starts a comment. */
    static Map<String, String> readList(Path file) {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            m.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return m;
    }

    @AfterAll
    static void report() throws Exception {
        List<String> lines = new ArrayList<>();
        TALLY.forEach((k, t) -> lines.add(String.format(Locale.ROOT, "%-36s passed %3d  declined %3d  worst use of tolerance %5.1f%%", k, t[0], t[1],
                100 * WORST_USE.getOrDefault(k, 0.0))));
        System.out.println("\nONNX node cases per kernel (pinned, the reference for every other op):\n" + String.join("\n", lines)
                + "\nrefused: " + SEEN_REFUSALS.size());
        if (record()) {
            List<String> out = new ArrayList<>(List.of(
                    "# onnx 1.12 node cases (reference-vectors/onnx) the importer refuses, with its message; written by",
                    "# OnnxNodeCasesTest with -Dopsgi.onnx.record=true, checked by it otherwise. <OnnxOp>/<case><TAB><message>"));
            SEEN_REFUSALS.forEach((k, v) -> out.add(k + "\t" + v));
            Files.write(REFUSED, out, StandardCharsets.UTF_8);
        }
    }
}
