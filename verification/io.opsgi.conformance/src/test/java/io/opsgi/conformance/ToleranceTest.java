package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.op.Tolerance;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.tensor.Ulp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Float comparison rules: NaN, infinities, signed zeros, ulps, the assert_close rule and the sqrt(K) bound. */
class ToleranceTest {
    private static final Tolerance EXACT = Tolerance.exact("test");
    private static final Tolerance CLOSE = Tolerance.close(1.3e-6, 1e-5, "test");
    private static final float NAN = Float.NaN, INF = Float.POSITIVE_INFINITY;

    @Test
    void nanMatchesNanOnly() {
        for (Tolerance t : List.of(EXACT, CLOSE)) {
            assertTrue(t.accepts(NAN, NAN));
            assertTrue(t.accepts(NAN, Float.intBitsToFloat(0x7fc00001)), "any NaN payload");
            assertTrue(t.accepts(NAN, Float.intBitsToFloat(0xffc00000)), "negative NaN");
            assertFalse(t.accepts(NAN, 0f));
            assertFalse(t.accepts(0f, NAN));
            assertFalse(t.accepts(NAN, INF));
        }
    }

    @Test
    void infinitiesMatchExactly() {
        for (Tolerance t : List.of(EXACT, CLOSE, Tolerance.close(1, 1e30, "huge"))) {
            assertTrue(t.accepts(INF, INF));
            assertTrue(t.accepts(-INF, -INF));
            assertFalse(t.accepts(INF, -INF));
            assertFalse(t.accepts(INF, Float.MAX_VALUE), "even a huge tolerance does not let a finite value stand in for inf");
            assertFalse(t.accepts(Float.MAX_VALUE, INF));
            assertFalse(t.accepts(-INF, NAN));
        }
    }

    @Test
    void bitExactSeesTheSignOfZeroAndOneUlp() {
        assertTrue(EXACT.accepts(-0f, -0f));
        assertFalse(EXACT.accepts(-0f, 0f), "relu(-0) is -0 in PyTorch");
        assertFalse(EXACT.accepts(1f, Math.nextUp(1f)));
        assertEquals(1, EXACT.violation(1f, Math.nextUp(1f)));
        assertEquals(3, EXACT.violation(1f, Math.nextUp(Math.nextUp(Math.nextUp(1f)))));
    }

    @Test
    void assertCloseRule() {
        // |a - e| <= atol + rtol*|e|
        assertTrue(CLOSE.accepts(0f, 1e-5f * 0.999f));
        assertFalse(CLOSE.accepts(0f, 1.1e-5f));
        assertTrue(CLOSE.accepts(1000f, 1000f + 1e-5f + 1.2e-3f));
        assertFalse(CLOSE.accepts(1000f, 1000f + 1e-5f + 1.4e-3f));
        assertTrue(CLOSE.accepts(-0f, 0f), "signed zeros are equal under a tolerance");
        assertEquals(2, CLOSE.violation(0f, 2e-5f), 1e-6, "violation counts allowed errors");
    }

    @Test
    void ulpDistanceAcrossZero() {
        float tiny = Float.MIN_VALUE;
        assertEquals(0, Ulp.distance(0f, -0f));
        assertEquals(1, Ulp.distance(0f, tiny));
        assertEquals(1, Ulp.distance(-0f, -tiny));
        assertEquals(2, Ulp.distance(-tiny, tiny));
        assertEquals(2, Ulp.distance(tiny, -tiny));
        assertEquals(2L * Float.floatToRawIntBits(1f), Ulp.distance(-1f, 1f));
        assertEquals(1, Ulp.distance(Float.MAX_VALUE, INF));
        assertEquals(1, Ulp.distance(1f, Math.nextUp(1f)));
        assertEquals(1, Ulp.distance(Math.nextDown(1f), 1f), "ulps are counted across binade boundaries");
        assertEquals(2L * Float.floatToRawIntBits(INF), Ulp.distance(-INF, INF));
        assertThrows(IllegalArgumentException.class, () -> Ulp.distance(NAN, 0f));
    }

    @Test
    void comparisonReportsTheWorstElementWithItsNchwIndex() {
        Tensor expected = Tensor.of(Shape.of(1, 2, 2, 2), 0, 1, 2, 3, 4, 5, 6, 7);
        Tensor actual = Tensor.of(Shape.of(1, 2, 2, 2), 0, 1, 2.5f, 3, 4, 5, 6, 9);
        TensorComparison c = TensorComparison.compare("output", expected, actual, CLOSE);
        assertFalse(c.passed());
        assertEquals(2, c.mismatches());
        assertEquals(7, c.worst().flatIndex());
        assertEquals(List.of(0, 1, 1, 1), c.worst().index());
        assertEquals(7f, c.worst().expected());
        assertEquals(9f, c.worst().actual());
        assertEquals(2, c.maxAbsError(), 0);
        assertTrue(c.problem().contains("2 of 8 elements outside"), c.problem());
    }

    @Test
    void aNanMismatchIsWorseThanAnyFiniteError() {
        Tensor expected = Tensor.of(Shape.of(3), 1, NAN, 3);
        Tensor actual = Tensor.of(Shape.of(3), 100, 2, 3);
        TensorComparison c = TensorComparison.compare("output", expected, actual, CLOSE);
        assertEquals(1, c.worst().flatIndex());
        assertEquals(Double.POSITIVE_INFINITY, c.maxAbsError());
    }

    @Test
    void shapesMustMatch() {
        TensorComparison c = TensorComparison.compare("output", Tensor.zeros(2, 3), Tensor.zeros(3, 2), CLOSE);
        assertFalse(c.passed());
        assertTrue(c.problem().contains("shape [3, 2], expected [2, 3]"), c.problem());
    }

    @Test
    void indicesMatchExactly() {
        IndexTensor e = IndexTensor.of(Shape.of(1, 1, 1, 2), 3, 5);
        assertTrue(TensorComparison.compareIndices("indices", e, IndexTensor.of(Shape.of(1, 1, 1, 2), 3, 5)).passed());
        TensorComparison c = TensorComparison.compareIndices("indices", e, IndexTensor.of(Shape.of(1, 1, 1, 2), 3, 4));
        assertFalse(c.passed());
        assertEquals(List.of(0, 0, 0, 1), c.worst().index());
        assertEquals(5L, c.worst().expected());
    }

    @Test
    void reductionBoundGrowsWithSqrtKAndTheOutputScale() {
        Tensor small = Tensor.of(Shape.of(2), 1, -6);
        Tolerance k576 = ToleranceClass.reduction(576, small);
        // 4 * sqrt(576) * 2^-24 * (6 + 1)
        assertEquals(4 * 24 * 0x1p-24 * 7, k576.atol(), 1e-12);
        assertEquals(ToleranceClass.ASSERT_CLOSE_RTOL, k576.rtol());
        assertEquals(2 * ToleranceClass.reduction(144, small).atol(), k576.atol(), 1e-12);
        // PyTorch's own backends differ by 8.1e-6 here (OPERATOR-SEMANTICS §10): inside the bound, with room.
        assertTrue(k576.atol() > 4 * 8.1e-6, "atol " + k576.atol());
        assertTrue(k576.atol() < 1e-4, "but not loose: atol " + k576.atol());
    }

    @Test
    void reductionScaleIgnoresNonFiniteExpectedValues() {
        Tensor t = Tensor.of(Shape.of(3), NAN, INF, 2);
        assertEquals(4 * 0x1p-24 * 3, ToleranceClass.reduction(1, t).atol(), 1e-15);
    }

    @Test
    void everyOperatorHasATolerance() {
        for (Operator o : Operators.all()) {
            String kind = Tolerances.describe(o.name());
            assertFalse(kind.isEmpty(), o.name());
        }
        assertThrows(IllegalArgumentException.class, () -> Tolerances.describe("conv3d"));
    }

    @Test
    void bitExactOpsPerSemanticsSection10() {
        for (String op : List.of("relu", "relu6", "hardtanh", "leaky_relu", "hardswish", "hardsigmoid", "max_pool2d", "adaptive_max_pool2d",
                "global_max_pool2d", "pad", "avg_pool2d")) {
            assertEquals("bit-exact", Tolerances.describe(op), op);
        }
        for (String op : List.of("elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid", "tanh", "softplus")) {
            assertEquals("assert_close", Tolerances.describe(op), op);
        }
    }

    @Test
    void reductionLengthPerOp() {
        Tensor x = Tensor.zeros(2, 6, 5, 7);
        assertEquals(3 * 3 * 2, Tolerances.reductionLength(valid("conv2d", Map.of("groups", 2)),
                Map.of("input", x, "weight", Tensor.zeros(4, 3, 3, 2))));
        // conv_transpose2d, k = 4, stride 2: at most 2 taps per output row and column.
        assertEquals(6 * 2 * 2, Tolerances.reductionLength(valid("conv_transpose2d", Map.of("stride", List.of(2, 2), "groups", 1)),
                Map.of("input", x, "weight", Tensor.zeros(6, 1, 4, 4))));
        // stride 2 with dilation 2: every tap of a row lands on the same output parity.
        assertEquals(6 * 3 * 3, Tolerances.reductionLength(valid("conv_transpose2d", Map.of("stride", List.of(2), "dilation", List.of(2))),
                Map.of("input", x, "weight", Tensor.zeros(6, 1, 3, 3))));
        assertEquals(2 * 5 * 7, Tolerances.reductionLength(valid("batch_norm", Map.of("training", true)), Map.of("input", x)));
        assertEquals(1, Tolerances.reductionLength(valid("batch_norm", Map.of("training", false)), Map.of("input", x)));
        assertEquals(5 * 7, Tolerances.reductionLength(valid("global_avg_pool2d", Map.of()), Map.of("input", x)));
        assertEquals(6, Tolerances.reductionLength(valid("softmax", Map.of("dim", 1)), Map.of("input", x)));
        assertEquals(7, Tolerances.reductionLength(valid("log_softmax", Map.of("dim", -1)), Map.of("input", x)));
        assertEquals(6, Tolerances.reductionLength(valid("lp_pool2d", Map.of("kernel_size", List.of(2, 3))), Map.of("input", x)));
    }

    @Test
    void aCaseToleranceOverridesTheDefault() {
        Tolerance own = Tolerance.close(0.1, 0.2, "measured");
        VectorCase c = new VectorCase("relu_x", "relu", Map.of(), Map.of(), Map.of("output", Path.of("x")), null, own, List.of());
        assertEquals(own, Tolerances.forOutput(c, "output", Map.of(), Tensor.zeros(1)));
        assertTrue(Tolerances.forOutput(valid("relu", Map.of()), "output", Map.of(), Tensor.zeros(1)).bitExact());
    }

    @Test
    void adaptiveAvgIsBitExactExceptItsOneByOneMeanPath() {
        Map<String, Tensor> in = Map.of("input", Tensor.zeros(1, 1, 4, 4));
        assertTrue(Tolerances.forOutput(valid("adaptive_avg_pool2d", Map.of()), "output", in, Tensor.zeros(1, 1, 2, 2)).bitExact());
        Tolerance oneByOne = Tolerances.forOutput(valid("adaptive_avg_pool2d", Map.of()), "output", in, Tensor.zeros(1, 1, 1, 1));
        assertFalse(oneByOne.bitExact());
        assertEquals(4 * Math.sqrt(16) * 0x1p-24, oneByOne.atol(), 1e-15);
    }

    private static VectorCase valid(String op, Map<String, Object> attrs) {
        return new VectorCase(op + "_case", op, attrs, Map.of(), Map.of("output", Path.of("unused.npy")), null, null, List.of());
    }
}
