package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replay must fail kernels that are wrong, and say where: a conv2d with an off-by-one in its
 * padding, a max_pool2d with a naive ceil_mode rule, and add/sub/mul/div kernels that swap their
 * operands or ignore a broadcast dimension, all written from scratch in this test source tree,
 * replayed against the real vectors.
 */
class ReplayCatchesWrongKernelsTest {
    private static ReferenceVectors vectors;
    private final Replay replay = new Replay();

    @BeforeAll
    static void load() throws VectorFormatException {
        vectors = ReferenceVectorReplayTest.vectors();
    }

    @Test
    void offByOnePaddingFailsThePaddedCaseAndNamesTheWorstElement() {
        VectorCase padded = vectors.find("conv2d_padding_1").orElseThrow();
        CaseResult r = replay.run(padded, new OffByOnePaddingConv2d(), "off-by-one");

        assertTrue(r.failed(), r::describe);
        assertEquals("conv2d_padding_1", r.caseName());
        WorstElement worst = r.worst();
        assertNotNull(worst, r::describe);
        assertEquals("output", worst.output());
        assertEquals(4, worst.index().size(), "an NCHW index");
        assertTrue(r.describe().contains("conv2d_padding_1") && r.describe().contains("worst element output" + worst.index()), r::describe);
        assertTrue(r.describe().contains("padding=[1, 1]"), "the attributes are part of the report: " + r.describe());
    }

    @Test
    void offByOnePaddingFailsOnlyPaddedCases() {
        ConformanceReport report = new ConformanceReport();
        for (VectorCase c : vectors.cases("conv2d")) {
            CaseResult r = replay.run(c, new OffByOnePaddingConv2d(), "off-by-one");
            report.add(r);
            if (r.failed()) {
                assertTrue(zeroPadded(c), "failed a case it could only fail through padding:\n" + r.describe());
            }
            if (!zeroPadded(c)) {
                assertTrue(r.passed(), "a case without zero padding must pass (the kernel is otherwise right):\n" + r.describe());
            }
        }
        ConformanceReport.Row row = report.row("conv2d", "off-by-one");
        assertTrue(row.failed() >= 10, row.summary());
        assertTrue(row.failingCases().contains("conv2d_padding_1"), row.summary());
        assertTrue(report.toTable().contains("conv2d_padding_1") || report.toTable().contains("more)"), report.toTable());
    }

    @Test
    void aWrongPrepareStepFailsThroughThePreparePathWhileItsPlainCallsPass() {
        int failed = 0, passed = 0;
        for (VectorCase c : vectors.cases("conv2d")) {
            CaseResult plainOnly = replay.run(c, PlainOnly.of(new FlippedPrepareConv2d()), "plain");
            assertTrue(plainOnly.passed() || plainOnly.status() == CaseResult.Status.SKIPPED, "the plain calls are right:\n" + plainOnly.describe());
            CaseResult r = replay.run(c, new FlippedPrepareConv2d(), "flipped-prepare");
            if (r.failed()) {
                failed++;
                assertTrue(r.reason().startsWith("through its prepare step: "), r::describe);
            } else if (r.passed()) {
                passed++;
            }
        }
        assertTrue(failed >= 10, "only " + failed + " cases caught the flipped filters");
        assertTrue(passed > 0, "1x1 and error cases still pass");
        VectorCase c = vectors.cases("conv2d").stream().filter(v -> replay.run(v, new FlippedPrepareConv2d(), "f").failed()).findFirst().orElseThrow();
        Differential.Result d = Differential.check(c, new FlippedPrepareConv2d(), PlainOnly.of(new FlippedPrepareConv2d()), 7);
        assertEquals(Differential.Verdict.FAILED, d.verdict(), d.problem());
        assertTrue(d.problem().startsWith("through its prepare step: "), d.problem());
    }

    /** The plain calls of a kernel alone (its prepare step hidden behind the interface's default). */
    private record PlainOnly(io.opsgi.op.Conv2dKernel k) implements io.opsgi.op.Conv2dKernel {
        static PlainOnly of(io.opsgi.op.Conv2dKernel k) {
            return new PlainOnly(k);
        }

        @Override
        public void conv2d(io.opsgi.op.ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            k.conv2d(g, x, w, bias, y);
        }
    }

    @Test
    void naiveCeilModeFailsAtTheLastWindow() throws VectorFormatException {
        VectorCase c = vectors.find("max_pool2d_ceil_partial_last_window").orElseThrow();
        CaseResult r = replay.run(c, new WholeWindowMaxPool2d(), "whole-window");

        assertTrue(r.failed(), r::describe);
        assertLastRowOrColumn(c, r);
        assertTrue(r.describe().startsWith("max_pool2d_ceil_partial_last_window on max_pool2d/whole-window: FAILED"), r::describe);
    }

    @Test
    void aMaxPoolWrongOnlyWithoutIndicesIsCaughtThroughItsValuesOnlyPath() throws VectorFormatException {
        int failed = 0;
        for (VectorCase c : vectors.cases("max_pool2d")) {
            CaseResult r = replay.run(c, new OneColumnWiderValuesMaxPool2d(), "wider-values");
            if (r.failed()) {
                failed++;
                assertTrue(r.reason().startsWith("values only (no indices): "), r::describe);
            }
        }
        assertTrue(failed >= 20, "only " + failed + " max_pool2d cases caught");
    }

    @Test
    void naiveCeilModeFailsOnlyCeilModeCasesAndOnlyAtTheirLastWindow() throws VectorFormatException {
        int failed = 0;
        for (VectorCase c : vectors.cases("max_pool2d")) {
            if (c.name().contains("_onnx_")) {
                continue; // its bug is stated for PyTorch's symmetric padding (it moves windows back by the begin pad)
            }
            CaseResult r = replay.run(c, new WholeWindowMaxPool2d(), "whole-window");
            boolean ceil = Boolean.TRUE.equals(c.attrs().get("ceil_mode"));
            if (!ceil) {
                // Without ceil_mode no window reaches past the padded input, so the bug cannot show.
                assertTrue(r.passed(), r::describe);
            } else if (r.failed()) {
                failed++;
                assertLastRowOrColumn(c, r);
            }
        }
        assertTrue(failed >= 3, "only " + failed + " ceil_mode cases caught");
    }

    private static void assertLastRowOrColumn(VectorCase c, CaseResult r) throws VectorFormatException {
        WorstElement worst = r.worst();
        assertNotNull(worst, r::describe);
        Tensor expected = (Tensor) c.readExpected().get("output");
        List<Integer> at = worst.index();
        int rank = at.size();
        boolean lastRow = at.get(rank - 2) == expected.dim(-2) - 1, lastColumn = at.get(rank - 1) == expected.dim(-1) - 1;
        assertTrue(lastRow || lastColumn, "worst element " + worst + " is not in the last window row/column of " + expected.shape());
    }

    /** Whether the case zero-pads (the kernel's own padding; padding_mode other than zeros is done by the contract). */
    private static boolean zeroPadded(VectorCase c) {
        Map<String, Object> a = c.attrs();
        if (!"zeros".equals(a.getOrDefault("padding_mode", "zeros"))) {
            return false;
        }
        if (a.get("auto_pad") != null || a.get("padding") instanceof String s && s.equals("same")) {
            return true;
        }
        Object p = a.containsKey("pads") ? a.get("pads") : a.get("padding");
        return p instanceof List<?> l && l.stream().anyMatch(v -> ((Number) v).intValue() != 0);
    }

    /**
     * An avg_pool2d that takes the end pads equal to the begin pads (PyTorch's symmetric form) fails
     * ONNX cases whose count_include_pad divisor reaches into an end pad different from its begin
     * pad, and passes every PyTorch-form case.
     */
    @Test
    void avgPoolIgnoringTheEndPadFailsTheOnnxCases() {
        int failed = 0;
        for (VectorCase c : vectors.cases("avg_pool2d")) {
            CaseResult r = replay.run(c, new OnnxFormWrongPoolKernels.EndPadIgnoringAvgPool2d(), "end-pad-ignoring");
            if (!c.name().contains("_onnx_")) {
                assertTrue(r.passed(), r::describe);
            } else if (r.failed()) {
                failed++;
            }
        }
        assertTrue(failed >= 4, "only " + failed + " ONNX-form cases caught");
        assertTrue(replay.run(vectors.find("avg_pool2d_onnx_ceil_end_pad_and_overhang_cip").orElseThrow(),
                new OnnxFormWrongPoolKernels.EndPadIgnoringAvgPool2d(), "end-pad-ignoring").failed());
    }

    /** An lp_pool2d on PyTorch's rules (clipped ceil_mode windows rescaled, end pads = begin pads) fails ONNX's ceil case. */
    @Test
    void lpPoolOnTorchRulesFailsTheOnnxCeilCase() {
        CaseResult r = replay.run(vectors.find("lp_pool2d_onnx_p2_ceil_no_rescaling").orElseThrow(),
                new OnnxFormWrongPoolKernels.TorchRulesLpPool2d(), "torch-rules");
        assertTrue(r.failed(), r::describe);
        assertLastRowOrColumnUnchecked(r, "lp_pool2d_onnx_p2_ceil_no_rescaling");
        for (VectorCase c : vectors.cases("lp_pool2d")) {
            if (!c.name().contains("_onnx_")) {
                assertTrue(replay.run(c, new OnnxFormWrongPoolKernels.TorchRulesLpPool2d(), "torch-rules").passed(), c.name());
            }
        }
    }

    private static void assertLastRowOrColumnUnchecked(CaseResult r, String name) {
        try {
            assertLastRowOrColumn(vectors.find(name).orElseThrow(), r);
        } catch (VectorFormatException e) {
            throw new AssertionError(e);
        }
    }

    /** A resize that always uses half_pixel fails asymmetric cases (and the other modes'), and passes every half_pixel case. */
    @Test
    void resizeUsingHalfPixelForEveryModeIsCaught() {
        int asymmetricFailed = 0;
        for (VectorCase c : vectors.cases("resize")) {
            CaseResult r = replay.run(c, new HalfPixelResize(), "half-pixel-always");
            if ("half_pixel".equals(c.attrs().get("coordinate_transformation_mode"))) {
                assertTrue(r.passed(), r::describe);
            } else if (r.failed() && "asymmetric".equals(c.attrs().get("coordinate_transformation_mode"))) {
                asymmetricFailed++;
            }
        }
        assertTrue(asymmetricFailed >= 8, "only " + asymmetricFailed + " asymmetric cases caught");
        assertTrue(replay.run(vectors.find("resize_torch_nearest_scale_2").orElseThrow(), new HalfPixelResize(), "half-pixel-always").failed());
    }

    /** Bicubic with A = -0.5 fails every bicubic case whose weights are not all 0 or 1, and no other upsample case. */
    @Test
    void bicubicWithTheWrongCoefficientIsCaught() {
        int failed = 0, bicubic = 0;
        for (VectorCase c : vectors.cases("upsample")) {
            CaseResult r = replay.run(c, WrongBicubicUpsample.catmullRom(), "a-minus-0.5");
            if (!"bicubic".equals(c.attrs().get("mode"))) {
                assertTrue(r.passed(), r::describe);
            } else if (!c.isErrorCase()) {
                bicubic++;
                failed += r.failed() ? 1 : 0;
            }
        }
        // passing: zero batch, same size, input 1x1, align_corners output 1x1 and 0.3x0.6 (every position an integer)
        assertEquals(bicubic - 5, failed, failed + " of " + bicubic + " bicubic cases caught");
    }

    /**
     * Bicubic reading 0 outside the input (instead of the border element) fails every bicubic case
     * except those where no tap of non-zero weight leaves the input: a 1x1 output at the centre of a
     * 4x4 input, align_corners outputs at integer positions (weights 0, 1, 0, 0), the same size, an
     * empty batch.
     */
    @Test
    void bicubicWithUnclampedTapsIsCaught() {
        Set<String> passed = new TreeSet<>();
        for (VectorCase c : vectors.cases("upsample")) {
            CaseResult r = replay.run(c, WrongBicubicUpsample.zeroOutside(), "zero-outside");
            if (!"bicubic".equals(c.attrs().get("mode"))) {
                assertTrue(r.passed(), r::describe);
            } else if (!c.isErrorCase() && !r.failed()) {
                passed.add(c.name().substring("upsample_bicubic_".length()));
            }
        }
        assertEquals(new TreeSet<>(List.of("default_output_1x1", "align_false_output_1x1", "align_true_output_1x1", "align_true_down_0_5",
                "align_true_down_0_3x0_6", "same_size_copies", "zero_batch")), passed);
    }

    /** A cubic resize ignoring exclude_outside fails every exclude_outside case; one ignoring cubic_coeff_a every A = -0.5 case. */
    @Test
    void cubicResizeIgnoringItsAttributesIsCaught() {
        for (boolean ignoreExclude : new boolean[] {true, false}) {
            int failed = 0, affected = 0;
            for (VectorCase c : vectors.cases("resize")) {
                CaseResult r = replay.run(c, new CubicAttrsIgnoredResize(ignoreExclude), ignoreExclude ? "exclude-outside-ignored" : "a-ignored");
                boolean hit = ignoreExclude ? Integer.valueOf(1).equals(c.attrs().get("exclude_outside")) && "cubic".equals(c.attrs().get("mode"))
                        : c.attrs().get("cubic_coeff_a") != null && "cubic".equals(c.attrs().get("mode"));
                if (hit) {
                    affected++;
                    failed += r.failed() ? 1 : 0;
                } else {
                    assertTrue(r.passed(), r::describe);
                }
            }
            assertTrue(affected >= 6, "only " + affected + " cases to catch");
            assertEquals(affected, failed, (ignoreExclude ? "exclude_outside" : "cubic_coeff_a") + " ignored: " + failed + " of " + affected + " caught");
        }
    }

    @Test
    void swappedOperandsFailSubDivAndPowAndOnlyWhereTheOperandsDiffer() {
        for (String op : List.of("add", "sub", "mul", "div", "pow")) {
            int failed = 0;
            for (VectorCase c : vectors.cases(op)) {
                CaseResult r = replay.run(c, new SwappedOperandsBinary(), "swapped");
                if (op.equals("add") || op.equals("mul")) {
                    assertTrue(r.passed(), "add and mul commute, so swapping cannot show:\n" + r.describe());
                } else if (r.failed()) {
                    failed++;
                }
            }
            if (!op.equals("add") && !op.equals("mul")) {
                assertTrue(failed >= 10, op + ": only " + failed + " cases caught the swapped operands");
            }
        }
        for (String op : List.of("maximum", "minimum")) { // equal values but for the sign of a zero: only the zeros tell
            for (VectorCase c : vectors.cases(op)) {
                CaseResult swapped = replay.run(c, new SwappedOperandsBinary(), "swapped");
                boolean zerosMeet = c.name().endsWith("_signed_zeros");
                assertEquals(zerosMeet, swapped.failed(), c.name() + ":\n" + swapped.describe());
            }
        }
        CaseResult r = replay.run(vectors.find("sub_per_channel_input").orElseThrow(), new SwappedOperandsBinary(), "swapped");
        assertTrue(r.failed() && r.describe().contains("sub_per_channel_input"), r::describe);
        CaseResult pow = replay.run(vectors.find("pow_onnx_bcast_array").orElseThrow(), new SwappedOperandsBinary(), "swapped");
        assertTrue(pow.failed(), "[1, 2, 3] ** x is not x ** [1, 2, 3]:\n" + pow.describe());
    }

    @Test
    void ignoringABroadcastDimensionFailsTheBroadcastCasesOnly() {
        for (String op : List.of("add", "sub", "mul", "div", "pow", "maximum", "minimum")) {
            for (VectorCase c : vectors.cases(op)) {
                CaseResult r = replay.run(c, new IgnoredBroadcastBinary(), "ignores-broadcast");
                String name = c.name().substring(op.length() + 1);
                if (List.of("per_channel_other", "per_channel_input", "per_channel_4d_other", "per_sample_channel", "outer", "special_pairs",
                        "fractional_exponents").contains(name)) {
                    assertTrue(r.failed(), "a broadcast the kernel ignores must fail:\n" + r.describe());
                }
                if (List.of("residual_4d", "last_dim_vector", "scalar_other", "scalar_input", "rank1", "special_values", "onnx_bcast_array")
                        .contains(name)) {
                    assertTrue(r.passed(), "i % length is right here, so the case must pass:\n" + r.describe());
                }
            }
        }
    }

    @Test
    void reportOfAWrongKernelIsNotAllPassed() {
        ConformanceReport report = new Replay().run(vectors, List.of(
                new DiscoveredKernel(new WholeWindowMaxPool2d(), List.of("max_pool2d"), "whole-window", 0, "test")));
        assertFalse(report.allPassed());
        assertTrue(report.failures().stream().allMatch(f -> f.op().equals("max_pool2d")));
        assertTrue(report.rows().stream().anyMatch(row -> row.variant().equals(ConformanceReport.NO_KERNEL) && row.op().equals("conv2d")),
                "ops without a kernel are listed:\n" + report.toTable());
    }
}
