package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** ConvTaps against enumerating every tap and testing {@code 0 <= origin + k*d < size}. */
class ConvTapsTest {

    @Test
    void rangeIsExactlyTheTapsThatLandInside() {
        for (int size = 1; size <= 7; size++) {
            for (int kernel = 1; kernel <= 6; kernel++) {
                for (int d = 1; d <= 4; d++) {
                    for (int origin = -3 * kernel * d; origin <= size + 3; origin++) {
                        int first = ConvTaps.first(origin, d), end = ConvTaps.end(origin, d, size, kernel);
                        int count = 0;
                        for (int k = 0; k < kernel; k++) {
                            int p = origin + k * d;
                            boolean inside = p >= 0 && p < size;
                            boolean inRange = k >= first && k < end;
                            assertEquals(inside, inRange, "size=" + size + " kernel=" + kernel + " d=" + d + " origin=" + origin + " k=" + k);
                            count += inside ? 1 : 0;
                        }
                        assertEquals(count, Math.max(0, end - first));
                    }
                }
            }
        }
    }
}
