package io.opsgi.op;

import io.opsgi.tensor.Ulp;

/**
 * How close a kernel's float must be to PyTorch's: either bit-exact, or within
 * {@code |actual - expected| <= atol + rtol * |expected|} (torch.testing.assert_close's rule).
 * Either way NaN matches only NaN (any payload) and an infinity only the same infinity. The
 * {@code reason} says where the numbers come from; {@link ToleranceClass} is where they are derived,
 * and each operator's {@link OpSchema} says which class applies.
 */
public record Tolerance(boolean bitExact, double rtol, double atol, String reason) {
    public Tolerance {
        if (!(rtol >= 0) || !(atol >= 0) || Double.isInfinite(rtol) || Double.isInfinite(atol)) {
            throw new IllegalArgumentException("tolerance: rtol and atol must be finite and non-negative, got rtol=" + rtol + ", atol=" + atol);
        }
    }

    /** Identical bits; only the NaN payload may differ. */
    public static Tolerance exact(String reason) {
        return new Tolerance(true, 0, 0, reason);
    }

    public static Tolerance close(double rtol, double atol, String reason) {
        return new Tolerance(false, rtol, atol, reason);
    }

    /** Whether {@code actual} is acceptable where PyTorch gave {@code expected}. */
    public boolean accepts(float expected, float actual) {
        return violation(expected, actual) == 0;
    }

    /**
     * How badly {@code actual} misses: 0 if accepted; otherwise the error in units of the allowed
     * error (bit-exact: in ulps, at least 1), or infinity for a NaN or infinity mismatch. Used to
     * pick the worst element of a tensor.
     */
    public double violation(float expected, float actual) {
        boolean nanE = Float.isNaN(expected), nanA = Float.isNaN(actual);
        if (nanE || nanA) {
            return nanE && nanA ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Float.isInfinite(expected) || Float.isInfinite(actual)) {
            return expected == actual ? 0 : Double.POSITIVE_INFINITY;
        }
        if (bitExact) {
            // +0 and -0 are different bits (relu(-0) is -0 in PyTorch): one step apart here.
            return Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual) ? 0 : Math.max(1, Ulp.distance(expected, actual));
        }
        double error = Math.abs((double) actual - expected);
        double allowed = atol + rtol * Math.abs((double) expected);
        if (error <= allowed) {
            return 0;
        }
        return allowed == 0 ? Double.POSITIVE_INFINITY : error / allowed;
    }

    /**
     * The error as a fraction of the allowed error, accepted or not: 0.25 used a quarter of the
     * tolerance, above 1 missed it. Infinity for any error where none is allowed (bit-exact, or
     * atol = rtol = 0), and for a NaN or infinity mismatch.
     */
    public double use(float expected, float actual) {
        if (bitExact || Float.isNaN(expected) || Float.isNaN(actual) || Float.isInfinite(expected) || Float.isInfinite(actual)) {
            return violation(expected, actual) == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        double error = Math.abs((double) actual - expected);
        double allowed = atol + rtol * Math.abs((double) expected);
        return error == 0 ? 0 : allowed == 0 ? Double.POSITIVE_INFINITY : error / allowed;
    }

    /** e.g. {@code bit-exact} or {@code rtol 1.3e-06, atol 1.0e-05}. */
    public String describe() {
        return bitExact ? "bit-exact" : String.format(java.util.Locale.ROOT, "rtol %.1e, atol %.1e", rtol, atol);
    }
}
