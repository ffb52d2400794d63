package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Which strip width the blocked convs take ({@link VectorRegisters#stripPixels}): with 16 vector registers (AVX2), where
 * 7 x 2 accumulators spill, 6 pixels unless 6-pixel strips compute over 30% more pixels per row than 4-pixel ones, then
 * 4; 7 with 32 (AVX-512). The values follow from that rule: a width w computes ceil(w / p)·p pixels per row.
 */
class VectorRegistersTest {
    @Test
    void sixteenRegistersTakeSixPixelsWhereTheyWasteLittle() {
        // 112 -> 114 against 112, 56 -> 60 against 56, 55 -> 60 against 56, 28 -> 30 against 28, 27 -> 30 against 28,
        // 14 -> 18 against 16, 13 -> 18 against 16, 15 -> 18 against 16: at most 13% more
        for (int ow : new int[] {112, 111, 56, 55, 28, 27, 15, 14, 13}) {
            assertEquals(6, VectorRegisters.stripPixels(ow, 16), "width " + ow);
        }
    }

    @Test
    void sixteenRegistersTakeFourPixelsWhereSixWasteMuch() {
        // 7 -> 12 against 8 (50% more), 4 -> 6 against 4, 3 -> 6 against 4, 2 -> 6 against 4, 1 -> 6 against 4
        for (int ow : new int[] {7, 4, 3, 2, 1}) {
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
