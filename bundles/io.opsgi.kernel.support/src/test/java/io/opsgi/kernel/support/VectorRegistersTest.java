package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Which strip width the blocked convs take ({@link VectorRegisters#stripPixels}): with 16 vector registers (AVX2), where
 * 7 x 2 accumulators spill, the one of 6, 5 and 4 pixels whose computed pixels per row, ceil(ow / p)·p, over its speed
 * per pixel (1, 0.93, 0.85) are fewest; 7 with 32 (AVX-512). Each expected value is worked out in its comment.
 */
class VectorRegistersTest {
    @Test
    void sixteenRegistersTakeSixPixelsWhereTheyWasteLittle() {
        // 112: 114 / 1 against 115 / 0.93 and 112 / 0.85; 56: 60 against 60 / 0.93 and 56 / 0.85 = 65.9;
        // 28: 30 against 30 / 0.93 and 28 / 0.85 = 32.9; 27 and 111 alike
        for (int ow : new int[] {112, 111, 56, 28, 27}) {
            assertEquals(6, VectorRegisters.stripPixels(ow, 16), "width " + ow);
        }
    }

    @Test
    void sixteenRegistersTakeFivePixelsWhereSixWasteMore() {
        // 14: 18 against 15 / 0.93 = 16.1 and 16 / 0.85 = 18.8; 13 and 15 alike; 55: 60 against 55 / 0.93 = 59.1;
        // 10: 12 against 10.8 and 14.1
        for (int ow : new int[] {55, 15, 14, 13, 10, 9, 5}) {
            assertEquals(5, VectorRegisters.stripPixels(ow, 16), "width " + ow);
        }
    }

    @Test
    void sixteenRegistersTakeFourPixelsOnNarrowRows() {
        // 7: 12 against 10 / 0.93 = 10.8 and 8 / 0.85 = 9.4; 8: 12, 10.8, 9.4; 4: 6, 5.4, 4.7; 1 to 3 alike
        for (int ow : new int[] {8, 7, 4, 3, 2, 1}) {
            assertEquals(4, VectorRegisters.stripPixels(ow, 16), "width " + ow);
        }
    }

    @Test
    void thirtyTwoRegistersKeepSevenPixels() {
        for (int ow : new int[] {112, 56, 28, 14, 7, 1}) {
            assertEquals(7, VectorRegisters.stripPixels(ow, 32), "width " + ow);
        }
    }
}
