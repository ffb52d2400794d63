package io.opsgi.kernel.conv2d.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.tensor.Shape;
import io.opsgi.kernel.support.VectorRegisters;
import org.junit.jupiter.api.Test;

/**
 * Which strip width a layout takes ({@link BlockedLayout#pixels}): 6 pixels ({@link Strips6}) with 16 vector registers
 * (AVX2), where 7 x 2 accumulators spill, unless 6-pixel strips compute over 30% more pixels per row than 7 would; 7 with
 * 32 (AVX-512).
 * The values follow from that rule: a width w computes ceil(w / p)·p pixels per row.
 */
class StripWidthTest {
    @Test
    void sixteenRegistersTakeSixPixelsWhereTheyWasteLittle() {
        // 112 -> 114 of 112, 56 -> 60 of 56, 55 -> 60 of 56, 28 -> 30 of 28, 27 -> 30 of 28, 14 -> 18 of 14, 13 -> 18 of 14:
        // at most 29% more
        for (int ow : new int[] {112, 111, 56, 55, 28, 27, 14, 13}) {
            assertEquals(6, BlockedLayout.pixels(ow, 16), "width " + ow);
        }
        // 7 -> 12 of 7: 71% more, so 7
        assertEquals(7, BlockedLayout.pixels(7, 16), "width 7");
    }

    @Test
    void thirtyTwoRegistersKeepSevenPixels() {
        for (int ow : new int[] {112, 56, 28, 14, 7, 1}) {
            assertEquals(7, BlockedLayout.pixels(ow, 32), "width " + ow);
        }
    }

    @Test
    void sixPixelStripsCoverTheRowAndTheirWindowsHoldEveryTap() {
        ConvGeometry g = Conv2d.geometry(Shape.of(1, 64, 56, 56), Shape.of(64, 64, 3, 3), null, Conv2dAttrs.defaults().withPadding(1));
        BlockedLayout lay = new BlockedLayout(g, Strips.LANES);
        int p = BlockedLayout.pixels(56, VectorRegisters.COUNT);
        assertEquals(p, lay.pixels, "this machine's rule");
        assertEquals((56 + p - 1) / p, lay.strips);
        assertEquals((56 + p - 1) / p * p, lay.owStrips);
        assertTrue(lay.channelRows, "3x3 stride 1 reads windows");
        assertEquals(Strips.RUN / p, lay.runStrips);
    }
}
