package io.opsgi.tensor;

/** Distances between floats counted in units in the last place. */
public final class Ulp {
    private Ulp() {
    }

    /**
     * The number of representable floats between {@code a} and {@code b}: 0 for equal values
     * (including +0 and -0), 1 for neighbours, 2 from the smallest negative to the smallest positive
     * subnormal. Both arguments must be non-NaN; infinities count as the float after MAX_VALUE.
     */
    public static long distance(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            throw new IllegalArgumentException("ulp distance of NaN: " + a + ", " + b);
        }
        return Math.abs(ordinal(a) - ordinal(b));
    }

    /** Maps floats onto consecutive integers in value order, with -0 and +0 both at 0. */
    private static long ordinal(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits >= 0 ? bits : -(long) (bits & 0x7fffffff);
    }
}
