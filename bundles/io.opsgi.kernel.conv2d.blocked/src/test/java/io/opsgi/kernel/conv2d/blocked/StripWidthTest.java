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
 * Which strip width a layout takes ({@link BlockedLayout#pixels}): with 16 vector registers (AVX2), where 7 x 2
 * accumulators spill, 6 pixels unless 6-pixel strips compute over 30% more pixels per row than 4-pixel ones, then 4; 7
 * with 32 (AVX-512). The values follow from that rule: a width w computes ceil(w / p)·p pixels per row.
 */
class StripWidthTest {
    @Test
    void sixteenRegistersTakeSixPixelsWhereTheyWasteLittle() {
        // 112 -> 114 against 112, 56 -> 60 against 56, 55 -> 60 against 56, 28 -> 30 against 28, 27 -> 30 against 28,
        // 14 -> 18 against 16, 13 -> 18 against 16, 15 -> 18 against 16: at most 13% more
        for (int ow : new int[] {112, 111, 56, 55, 28, 27, 15, 14, 13}) {
            assertEquals(6, BlockedLayout.pixels(ow, 16), "width " + ow);
        }
    }

    @Test
    void sixteenRegistersTakeFourPixelsWhereSixWasteMuch() {
        // 7 -> 12 against 8 (50% more), 4 -> 6 against 4, 3 -> 6 against 4, 2 -> 6 against 4, 1 -> 6 against 4
        for (int ow : new int[] {7, 4, 3, 2, 1}) {
            assertEquals(4, BlockedLayout.pixels(ow, 16), "width " + ow);
        }
    }

    @Test
    void thirtyTwoRegistersKeepSevenPixels() {
        for (int ow : new int[] {112, 56, 28, 14, 7, 1}) {
            assertEquals(7, BlockedLayout.pixels(ow, 32), "width " + ow);
        }
    }

    @Test
    void stripsCoverTheRowAndTheirWindowsHoldEveryTap() {
        ConvGeometry g = Conv2d.geometry(Shape.of(1, 64, 56, 56), Shape.of(64, 64, 3, 3), null, Conv2dAttrs.defaults().withPadding(1));
        BlockedLayout lay = new BlockedLayout(g, Strips.LANES);
        int p = BlockedLayout.pixels(56, VectorRegisters.COUNT);
        assertEquals(p, lay.pixels, "this machine's rule");
        assertEquals(p, lay.kernels.pixels, "kernels of the layout's width");
        assertEquals((56 + p - 1) / p, lay.strips);
        assertEquals((56 + p - 1) / p * p, lay.owStrips);
        assertTrue(lay.channelRows, "3x3 stride 1 reads windows");
        assertEquals(Strips.RUN / p, lay.runStrips);
    }
}
