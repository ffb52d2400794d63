package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.OpException;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a replay judges a kernel: outputs, error rules, exceptions, input mutation, skipping, and the report. */
class ReplayJudgementTest {
    @TempDir
    Path dir;
    private VectorCase reluCase;
    private final Replay replay = new Replay();

    /** relu of [-1, -0, 0.5, NaN]: [0, -0, 0.5, NaN] by PyTorch's max(x, 0) with NaN and -0 kept. */
    @BeforeEach
    void writeReluCase() throws IOException {
        Npy.write(dir.resolve("in.npy"), Tensor.of(Shape.of(4), -1f, -0f, 0.5f, Float.NaN));
        Npy.write(dir.resolve("out.npy"), Tensor.of(Shape.of(4), 0f, -0f, 0.5f, Float.NaN));
        reluCase = new VectorCase("relu_judged", "relu", Map.of(), Map.of("input", dir.resolve("in.npy")), Map.of("output", dir.resolve("out.npy")),
                null, null, List.of());
    }

    /** relu written the PyTorch way: NaN and -0 pass through. */
    private static final class GoodRelu implements ElementwiseKernel {
        @Override
        public void activate(ActivationAttrs a, float[] x, float[] y) {
            for (int i = 0; i < x.length; i++) {
                y[i] = x[i] < 0 ? 0f : x[i];
            }
        }
    }

    @Test
    void aCorrectKernelPasses() {
        CaseResult r = replay.run(reluCase, new GoodRelu(), "good");
        assertTrue(r.passed(), r::describe);
        assertEquals(0, r.maxAbsError());
    }

    @Test
    void theSignOfZeroCounts() {
        ElementwiseKernel mathMax = (a, x, y) -> {
            for (int i = 0; i < x.length; i++) {
                y[i] = Float.isNaN(x[i]) ? x[i] : Math.max(x[i], 0f); // Math.max(-0f, 0f) is +0
            }
        };
        CaseResult r = replay.run(reluCase, mathMax, "math-max");
        assertTrue(r.failed(), r::describe);
        assertEquals(List.of(1), r.worst().index());
        assertEquals(-0f, r.worst().expected());
    }

    @Test
    void aKernelThatWritesItsInputFails() {
        ElementwiseKernel scribbler = (a, x, y) -> {
            new GoodRelu().activate(a, x, y);
            x[2] = 7f;
        };
        CaseResult r = replay.run(reluCase, scribbler, "scribbler");
        assertTrue(r.failed());
        assertTrue(r.reason().contains("the kernel wrote its input 'input': element [2] was 0.5, is now 7.0"), r::describe);
    }

    @Test
    void aThrowingKernelFailsWithTheExceptionText() {
        ElementwiseKernel thrower = (a, x, y) -> {
            throw new IllegalStateException("boom");
        };
        CaseResult r = replay.run(reluCase, thrower, "thrower");
        assertTrue(r.failed());
        assertTrue(r.reason().startsWith("threw java.lang.IllegalStateException: boom\n    at "), r::describe);
    }

    @Test
    void evenAStackOverflowOnlyFailsItsCase() {
        ElementwiseKernel recursive = new ElementwiseKernel() {
            @Override
            public void activate(ActivationAttrs a, float[] x, float[] y) {
                activate(a, x, y);
            }
        };
        CaseResult r = replay.run(reluCase, recursive, "recursive");
        assertTrue(r.failed());
        assertTrue(r.reason().contains("StackOverflowError"), r::describe);
        assertTrue(replay.run(reluCase, new GoodRelu(), "good").passed(), "the next case runs normally");
    }

    @Test
    void aValidCaseRefusedWithAnOpExceptionFails() {
        ElementwiseKernel refuser = (a, x, y) -> {
            throw new OpException("relu", "input_rank", "made up");
        };
        CaseResult r = replay.run(reluCase, refuser, "refuser");
        assertTrue(r.failed());
        assertTrue(r.reason().contains("refused a valid case with rule 'input_rank'"), r::describe);
    }

    @Test
    void aKernelOfAnotherFamilyIsSkipped() {
        Conv2dKernel conv = (g, x, w, b, y) -> {
        };
        CaseResult r = replay.run(reluCase, conv, "conv");
        assertEquals(CaseResult.Status.SKIPPED, r.status());
        assertTrue(r.reason().contains("is not a ElementwiseKernel"), r.reason());
        CaseResult undeclared = replay.run(reluCase, new DiscoveredKernel(new GoodRelu(), List.of("tanh"), "tanh-only", 0, "test"));
        assertEquals(CaseResult.Status.SKIPPED, undeclared.status());
    }

    @Test
    void anErrorCasePassesOnlyWithTheExpectedRule() throws IOException {
        Npy.write(dir.resolve("x.npy"), Tensor.of(Shape.of(3), 1, 2, 3));
        VectorCase dimOutOfRange = errorCase("softmax", Map.of("dim", 5), "dim_range");
        assertTrue(replay.run(dimOutOfRange, softmaxKernel(), "any").passed());

        CaseResult wrongRule = replay.run(errorCase("softmax", Map.of("dim", 5), "input_rank"), softmaxKernel(), "any");
        assertTrue(wrongRule.failed());
        assertTrue(wrongRule.reason().startsWith("raised rule 'dim_range' (softmax: dimension out of range"), wrongRule::describe);
        assertTrue(wrongRule.reason().contains("expected OpException rule 'input_rank' (torch: torch said no)"), wrongRule::describe);

        CaseResult accepted = replay.run(errorCase("softmax", Map.of("dim", 0), "dim_range"), softmaxKernel(), "any");
        assertTrue(accepted.failed());
        assertTrue(accepted.reason().startsWith("accepted a call PyTorch refuses"), accepted::describe);

        io.opsgi.op.SoftmaxKernel crashing = (outer, ch, inner, log, x, y) -> {
            throw new ArithmeticException("nope");
        };
        CaseResult crashed = replay.run(errorCase("softmax", Map.of("dim", 0), "dim_range"), crashing, "crashing");
        assertTrue(crashed.failed());
        assertTrue(crashed.reason().startsWith("threw java.lang.ArithmeticException: nope"), crashed::describe);
    }

    @Test
    void theReportAggregatesPerOpAndVariant() throws Exception {
        ConformanceReport report = new ConformanceReport();
        report.add(replay.run(reluCase, new GoodRelu(), "good"));
        report.add(replay.run(reluCase, (ElementwiseKernel) (a, x, y) -> y[0] = 3f, "bad"));
        report.add(replay.run(reluCase, (Conv2dKernel) (g, x, w, b, y) -> {
        }, "bad"));
        report.addUncovered("tanh", 4);

        List<ConformanceReport.Row> rows = report.rows();
        assertEquals(3, rows.size());
        ConformanceReport.Row bad = report.row("relu", "bad");
        assertEquals(List.of(0, 1, 1), List.of(bad.passed(), bad.failed(), bad.skipped()));
        assertEquals(List.of("relu_judged"), bad.failingCases());
        assertEquals(Double.POSITIVE_INFINITY, bad.maxAbsError(), "NaN expected, 0 produced");
        assertFalse(report.allPassed());

        String table = report.toTable();
        List<String> lines = new ArrayList<>(table.lines().toList());
        assertEquals(List.of("op", "variant", "tolerance", "passed", "failed", "skipped", "max abs err", "max ulp", "failing cases"), cells(lines.get(0)));
        // ulp distance from 0 to 3.0f is the bit pattern of 3.0f, 0x40400000
        assertTrue(lines.contains(lines.stream().filter(l -> cells(l).equals(
                List.of("relu", "bad", "bit-exact", "0", "1", "1", "inf", "1077936128", "relu_judged"))).findFirst().orElse("missing")), table);
        assertTrue(lines.stream().anyMatch(l -> cells(l).equals(List.of("tanh", "-", "assert_close", "0", "0", "4", "0", "0"))), table);
        assertEquals(List.of("total", "1", "1", "5"), cells(lines.get(lines.size() - 1)), table);

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(3, json.get("rows").size());
        assertEquals("relu_judged", json.get("failures").get(0).get("caseName").asText());
        assertEquals("FAILED", json.get("failures").get(0).get("status").asText());
        assertEquals(List.of(3), List.of(json.get("failures").get(0).get("worst").get("index").get(0).asInt()));
    }

    /** A table line's cells: columns are separated by at least two spaces. */
    private static List<String> cells(String line) {
        return List.of(line.trim().split(" {2,}"));
    }

    private VectorCase errorCase(String op, Map<String, Object> attrs, String rule) {
        return new VectorCase(op + "_err", op, attrs, Map.of("input", dir.resolve("x.npy")), null, new ExpectedError(rule, "torch said no"), null,
                List.of());
    }

    /** Does nothing: enough for error cases, which the contract refuses before any kernel runs. */
    private static io.opsgi.op.SoftmaxKernel softmaxKernel() {
        return (outer, channels, inner, log, x, y) -> {
        };
    }
}
