package io.opsgi.kernel.conv2d.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.kernel.conv2d.blocked.BlockedConv2dTest.Case;
import io.opsgi.kernel.support.Parallel;
import io.opsgi.kernel.support.VectorRegisters;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every generated strip width ({@link StripWidths}) on any machine, whichever width this machine's rule picks: the random
 * geometries of {@link BlockedConv2dTest} and {@link BlockedHandoffTest} with every layer forced to strips of that width
 * give the reference's bits (integer data: exact whatever the order), through each input layout (channels last, windows,
 * tap runs, blocked at stride 1 and 2) and the prepared epilogue.
 */
class EveryStripWidthTest {
    private static final int THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    static IntStream widths() {
        return Arrays.stream(StripWidths.ALL).mapToInt(s -> s.pixels);
    }

    @ParameterizedTest
    @MethodSource("widths")
    void everyWidthGivesTheReferenceBits(int pixels) {
        BlockedConv2d kernel = new BlockedConv2d(pixels);
        Random r = new Random(1000 + pixels);
        int handedOff = 0;
        for (int i = 0; i < 120; i++) {
            Parallel.setThreads(1 + i % 2);
            BlockedConv2dTest.assertExactlyReference(kernel, BlockedConv2dTest.randomCase(r), r);
            BlockedConv2dTest.assertPreparedExact(kernel, BlockedConv2dTest.randomCase(r), r);
            handedOff += BlockedHandoffTest.check(kernel, BlockedConv2dTest.randomCase(r), r) ? 1 : 0;
        }
        assertTrue(handedOff > 40, "too few random geometries the kernel supports: " + handedOff);
        // Rows of 7 and 14 (ResNet's layer4 and layer3 widths), the RGB stem (tap runs), the stride-2 blocked strips.
        Conv2dAttrs same = Conv2dAttrs.defaults().withPadding(1);
        BlockedConv2dTest.assertExactlyReference(kernel, new Case(1, 40, 7, 7, 48, 3, 3, same, true), r);
        BlockedConv2dTest.assertExactlyReference(kernel, new Case(1, 3, 30, 30, 24, 7, 7,
            new Conv2dAttrs(HW.of(2), ConvPadding.of(3), HW.of(1), 1, PadMode.CONSTANT), false), r);
        BlockedHandoffTest.check(kernel, new Case(1, 24, 7, 7, 40, 3, 3, same, true), r);
        BlockedHandoffTest.check(kernel, new Case(1, 24, 14, 14, 40, 3, 3, same.withStride(2), true), r);
    }

    @Test
    void theMachinesRuleTakesAGeneratedWidth() {
        for (int registers : new int[] {16, 32}) {
            for (int ow = 1; ow <= 120; ow++) {
                int p = VectorRegisters.stripPixels(ow, registers);
                assertEquals(p, StripWidths.of(p).pixels, "width " + ow + " on " + registers + " registers");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> StripWidths.of(3));
    }
}
