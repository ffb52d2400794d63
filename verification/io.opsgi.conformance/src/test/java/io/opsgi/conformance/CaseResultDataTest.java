package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.Tolerance;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a case result tells beyond pass/fail: error as a fraction of the tolerance, the failing outputs, a plain sign-of-zero message. */
class CaseResultDataTest {
    @TempDir
    Path dir;
    private VectorCase sigmoidCase;
    private VectorCase reluCase;
    private final Replay replay = new Replay();

    @BeforeEach
    void writeCases() throws IOException {
        // sigmoid(0) = 0.5, sigmoid(2) = 0.880797; sigmoid is held to an rtol/atol tolerance, relu bit-exact.
        Npy.write(dir.resolve("s_in.npy"), Tensor.of(Shape.of(2), 0f, 2f));
        Npy.write(dir.resolve("s_out.npy"), Tensor.of(Shape.of(2), 0.5f, 0.880797f));
        sigmoidCase = new VectorCase("sigmoid_two", "sigmoid", Map.of(), Map.of("input", dir.resolve("s_in.npy")),
                Map.of("output", dir.resolve("s_out.npy")), null, null, List.of());
        Npy.write(dir.resolve("r_in.npy"), Tensor.of(Shape.of(3), -1f, -0f, 2f));
        Npy.write(dir.resolve("r_out.npy"), Tensor.of(Shape.of(3), 0f, -0f, 2f));
        reluCase = new VectorCase("relu_zeros", "relu", Map.of(), Map.of("input", dir.resolve("r_in.npy")), Map.of("output", dir.resolve("r_out.npy")),
                null, null, List.of());
    }

    /** Writes {@code values} whatever the input: a fixture kernel with a known error. */
    private static ElementwiseKernel answering(float... values) {
        return (a, x, y) -> System.arraycopy(values, 0, y, 0, values.length);
    }

    @Test
    void toleranceUseIsTheErrorOverTheAllowedError() {
        Tolerance t = Tolerances.forOutput(sigmoidCase, "output", Map.of(), Tensor.of(Shape.of(2), 0.5f, 0.880797f));
        double allowedAtHalf = t.atol() + t.rtol() * 0.5;
        float quarterOff = (float) (0.5 + allowedAtHalf / 4);
        CaseResult r = replay.run(sigmoidCase, answering(quarterOff, 0.880797f), "quarter");
        assertTrue(r.passed(), r::describe);
        // float rounding of 0.5 + allowed/4 moves the error by at most half an ulp of 0.5
        assertEquals(0.25, r.toleranceUse(), Math.ulp(0.5f) / allowedAtHalf, r::describe);
        assertTrue(r.actual().isEmpty(), "outputs are kept only for failures");
    }

    @Test
    void aMissBeyondTheToleranceIsAboveOneAndKeepsTheOutput() {
        CaseResult r = replay.run(sigmoidCase, answering(0.6f, 0.880797f), "off");
        assertTrue(r.failed(), r::describe);
        assertTrue(r.toleranceUse() > 1, r::describe);
        Tensor got = (Tensor) r.actual().get("output");
        assertEquals(0.6f, got.getFlat(0));
    }

    @Test
    void anOnlySignOfZeroDifferenceIsSaidPlainly() {
        CaseResult r = replay.run(reluCase, answering(0f, 0f, 2f), "plus-zero");
        assertTrue(r.failed(), r::describe);
        assertTrue(r.reason().contains("differs only in the sign of zero at 1 of 3 elements"), r::describe);
        assertEquals(Double.POSITIVE_INFINITY, r.toleranceUse(), "bit-exact allows no error at all");
    }

    @Test
    void aRealDifferenceIsNotCalledASignOfZero() {
        CaseResult r = replay.run(reluCase, answering(0f, 0f, 3f), "wrong");
        assertTrue(r.failed(), r::describe);
        assertFalse(r.reason().contains("sign of zero"), r::describe);
        assertTrue(r.reason().contains("2 of 3 elements outside bit-exact"), r::describe);
    }

    @Test
    void theJsonListsEveryCaseWithItsToleranceUse() throws Exception {
        ConformanceReport report = new ConformanceReport();
        report.add(replay.run(sigmoidCase, answering(0.5f, 0.880797f), "exact"));
        report.add(replay.run(reluCase, answering(0f, 0f, 3f), "wrong"));
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(2, json.get("cases").size());
        assertEquals(0.0, json.get("cases").get(0).get("toleranceUse").asDouble());
        assertEquals("Infinity", json.get("cases").get(1).get("toleranceUse").asText());
        assertFalse(json.get("cases").get(1).has("actual"), "tensors stay out of the JSON");
        assertEquals(Double.POSITIVE_INFINITY, report.row("relu", "wrong").maxToleranceUse());
    }
}
