package io.opsgi.kernel.conv2d.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvGeometry;
import io.opsgi.tensor.Shape;
import io.opsgi.kernel.support.VectorRegisters;
import org.junit.jupiter.api.Test;

/** A layout's strips ({@link BlockedLayout}) at this machine's width ({@link VectorRegisters#stripPixels}, tested in the support bundle). */
class StripWidthTest {
    @Test
    void stripsCoverTheRowAndTheirWindowsHoldEveryTap() {
        ConvGeometry g = Conv2d.geometry(Shape.of(1, 64, 56, 56), Shape.of(64, 64, 3, 3), null, Conv2dAttrs.defaults().withPadding(1));
        BlockedLayout lay = new BlockedLayout(g, Strips.LANES);
        int p = VectorRegisters.stripPixels(56, VectorRegisters.COUNT);
        assertEquals(p, lay.pixels, "this machine's rule");
        assertEquals(p, lay.kernels.pixels, "kernels of the layout's width");
        assertEquals((56 + p - 1) / p, lay.strips);
        assertEquals((56 + p - 1) / p * p, lay.owStrips);
        assertTrue(lay.channelRows, "3x3 stride 1 reads windows");
        assertEquals(Strips.RUN / p, lay.runStrips);
    }
}
