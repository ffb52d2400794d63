package io.opsgi.op;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pow.of against torch 1.13's torch.pow(float32 tensor, float32 tensor), printed with float.hex in
 * Python (the special cases of C99 F.9.4.4, the two where Java's Math.pow says NaN, and rounded values).
 */
class PowContractTest {
    @ParameterizedTest(name = "pow({0}, {1}) = {2}")
    @CsvSource({
            // |base| = 1: C (and torch) say 1 where Java's Math.pow says NaN
            "1, NaN, 1", "1, Infinity, 1", "1, -Infinity, 1", "-1, Infinity, 1", "-1, -Infinity, 1", "-1, NaN, NaN",
            // exponent 0: 1 even for NaN and infinite bases
            "NaN, 0, 1", "NaN, -0.0, 1", "-Infinity, 0, 1",
            // signed zeros
            "-0.0, 3, -0.0", "-0.0, 2, 0.0", "-0.0, -3, -Infinity", "-0.0, -2, Infinity", "-0.0, 0.5, 0.0", "0.0, -0.5, Infinity",
            // negative bases: integer exponents keep the sign's parity, fractional ones are NaN
            "-2, 3, -8", "-1.5, -1, -0.6666667", "-3, -3, -0.037037037", "-1, 0.5, NaN", "-2, 1.5, NaN",
            // infinities
            "-Infinity, 3, -Infinity", "-Infinity, -3, -0.0", "-Infinity, 0.5, Infinity", "-Infinity, -0.5, 0.0",
            "0.5, Infinity, 0.0", "0.5, -Infinity, Infinity", "-3, Infinity, Infinity", "-3, -Infinity, 0.0",
            // rounded to nearest
            "2, 0.5, 1.4142135", "3, 1.5, 5.196152", "1.5, -3, 0.2962963", "10, -45, 1.4E-45", "10, -46, 0.0", "10, 39, Infinity"})
    void matchesTorch(float base, float exponent, float expected) {
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(Pow.of(base, exponent)),
                () -> "pow(" + base + ", " + exponent + ") = " + Pow.of(base, exponent) + ", torch: " + expected);
    }
}
