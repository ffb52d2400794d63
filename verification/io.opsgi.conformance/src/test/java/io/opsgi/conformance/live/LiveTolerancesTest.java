package io.opsgi.conformance.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opsgi.op.ConvGeometry;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveTolerancesTest {
    private final LiveTolerances judge = new LiveTolerances();
    /** 3x3 conv over 64 channels: K = 576. */
    private static final ConvGeometry CONV = new ConvGeometry(1, 64, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 8, 8);

    @Test
    void kComesFromTheConvGeometry() {
        assertEquals(576, LiveTolerances.reductionLength(CONV, List.of()));
    }

    @Test
    void aConvWithinTheSqrtKBoundPassesAndOneOffByAFractionIsCaught() {
        float[] reference = {1f, -2f, 3f, 0.5f};
        float[] rounding = {1f + 1e-6f, -2f, 3f, 0.5f}; // one summation-order rounding away: well inside 4*sqrt(576)*2^-24*4
        assertNull(judge.compare("conv2d", CONV, List.of(), "output", reference, rounding));
        float[] wrong = {1f, -2f, 3.01f, 0.5f};
        assertNotNull(judge.compare("conv2d", CONV, List.of(), "output", reference, wrong));
    }

    @Test
    void aBitExactOpMustMatchExactly() {
        assertNull(judge.compare("relu", null, List.of(), "output", new float[] {0f, 2f}, new float[] {0f, 2f}));
        assertNotNull(judge.compare("relu", null, List.of(), "output", new float[] {0f, 2f}, new float[] {0f, Math.nextUp(2f)}));
    }

    @Test
    void anOpTheSuiteHasNoToleranceForIsNotJudged() {
        assertNull(judge.compare("swish_by_a_stranger", null, List.of(), "output", new float[] {1f}, new float[] {5f}));
    }
}
