package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * erf and erfc against reference values (glibc's erf/erfc as printed by CPython's math module,
 * themselves within 1 ulp of the exact values). Tolerance: 4 ulp of the reference, i.e. ~1e-15
 * relative, far below the 1.5e-7 of Abramowitz-Stegun 7.1.26.
 */
class SpecialFunctionsTest {
    /** Columns: x, erf(x), erfc(x), erfc(-x). */
    private static final double[][] REFERENCE = {
            {1e-20, 1.1283791670955125e-20, 1.0, 1.0},
            {1e-10, 1.1283791670955126e-10, 0.999999999887162, 1.000000000112838},
            {0.1, 0.1124629160182849, 0.8875370839817152, 1.1124629160182848},
            {0.25, 0.2763263901682369, 0.7236736098317631, 1.276326390168237},
            {0.46875, 0.49261347321793797, 0.507386526782062, 1.492613473217938},
            {0.47, 0.4937450508860821, 0.5062549491139179, 1.4937450508860821},
            {0.5, 0.5204998778130465, 0.4795001221869535, 1.5204998778130465},
            {0.75, 0.7111556336535151, 0.28884436634648486, 1.7111556336535152},
            {1, 0.8427007929497149, 0.15729920705028513, 1.842700792949715},
            {1.5, 0.9661051464753108, 0.033894853524689274, 1.9661051464753108},
            {2, 0.9953222650189527, 0.004677734981047265, 1.9953222650189528},
            {2.5, 0.999593047982555, 0.0004069520174449589, 1.999593047982555},
            {3, 0.9999779095030014, 2.2090496998585438e-05, 1.9999779095030015},
            {3.5, 0.9999992569016276, 7.430983723414128e-07, 1.9999992569016276},
            {4, 0.9999999845827421, 1.541725790028002e-08, 1.999999984582742},
            {4.0000001, 0.9999999845827549, 1.541724520205039e-08, 1.9999999845827547},
            {4.5, 0.9999999998033839, 1.9661604415428873e-10, 1.999999999803384},
            {5, 0.9999999999984626, 1.5374597944280351e-12, 1.9999999999984626},
            {6, 1.0, 2.1519736712498916e-17, 2.0},
            {8, 1.0, 1.1224297172982928e-29, 2.0},
            {10, 1.0, 2.088487583762545e-45, 2.0},
            {15, 1.0, 7.212994172451206e-100, 2.0},
            {20, 1.0, 5.3958656116079005e-176, 2.0},
            {26, 1.0, 5.663192408856143e-296, 2.0},
    };

    private static void assertUlps(double expected, double actual, int ulps, String what) {
        assertTrue(Math.abs(expected - actual) <= ulps * Math.ulp(expected),
                what + ": expected " + expected + ", got " + actual + " (" + Math.abs(expected - actual) / Math.ulp(expected) + " ulp)");
    }

    @Test
    void erf_known_values_from_the_brief() {
        assertUlps(0.5204998778130465, SpecialFunctions.erf(0.5), 2, "erf(0.5)");
        assertUlps(0.8427007929497149, SpecialFunctions.erf(1), 2, "erf(1)");
        assertUlps(0.9953222650189527, SpecialFunctions.erf(2), 2, "erf(2)");
        assertUlps(-0.9999779095030014, SpecialFunctions.erf(-3), 2, "erf(-3)");
    }

    @Test
    void erf_and_erfc_match_reference_table_on_every_interval() {
        for (double[] row : REFERENCE) {
            double x = row[0];
            assertUlps(row[1], SpecialFunctions.erf(x), 4, "erf(" + x + ")");
            assertUlps(-row[1], SpecialFunctions.erf(-x), 4, "erf(" + -x + ")");
            assertUlps(row[2], SpecialFunctions.erfc(x), 4, "erfc(" + x + ")");
            assertUlps(row[3], SpecialFunctions.erfc(-x), 4, "erfc(" + -x + ")");
        }
    }

    @Test
    void erfc_tail_keeps_relative_accuracy() {
        // 1 - erf(10) is 0 in double; erfc must not be computed that way.
        assertUlps(2.088487583762545e-45, SpecialFunctions.erfc(10), 4, "erfc(10)");
        assertUlps(1.5374597944280351e-12, SpecialFunctions.erfc(5), 4, "erfc(5)");
        assertEquals(0.0, SpecialFunctions.erfc(27), "erfc underflows beyond x = 26.543");
    }

    @Test
    void special_values() {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(SpecialFunctions.erf(-0.0)), "erf(-0) = -0");
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(SpecialFunctions.erf(0.0)), "erf(+0) = +0");
        assertEquals(1.0, SpecialFunctions.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, SpecialFunctions.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, SpecialFunctions.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, SpecialFunctions.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, SpecialFunctions.erfc(0.0));
        assertTrue(Double.isNaN(SpecialFunctions.erf(Double.NaN)));
        assertTrue(Double.isNaN(SpecialFunctions.erfc(Double.NaN)));
        assertEquals(Double.MIN_VALUE, SpecialFunctions.erf(Double.MIN_VALUE), Double.MIN_VALUE, "erf of a subnormal is ~1.128 x");
    }

    @Test
    void erf_is_odd_monotone_and_complements_erfc() {
        double previous = -1;
        for (int i = -6000; i <= 6000; i++) {
            double x = i / 1000.0;
            double e = SpecialFunctions.erf(x);
            assertEquals(-e, SpecialFunctions.erf(-x), 0.0, "odd at " + x);
            assertTrue(e >= previous, "monotone at " + x);
            assertEquals(1.0, e + SpecialFunctions.erfc(x), 4 * Math.ulp(1.0), "erf + erfc at " + x);
            previous = e;
        }
    }
}
