package io.opsgi.kernel.support;

/**
 * Special functions that {@link Math} lacks, in double precision, for the activation kernels
 * (gelu's erf). Float kernels call these and round once to float, standing in for the float libm
 * or Sleef call that PyTorch makes.
 *
 * <p>erf and erfc are W. J. Cody's rational Chebyshev approximations (Math. Comp. 23 (1969)
 * 631-637; the CALERF routine of Netlib's SPECFUN, 1985), on three intervals: |x| &lt;= 0.46875
 * (erf directly), 0.46875 &lt; |x| &lt;= 4 and |x| &gt; 4 (erfc, scaled by exp(-x^2)). Cody states a
 * maximal relative error below 1e-17 for the approximations; in IEEE double the result is within a
 * few ulp. The erfc branches keep full relative accuracy in the tail (erfc(10) ~ 2.1e-45).
 */
public final class SpecialFunctions {
    /** Below this |x|, erf is evaluated directly from its series-like rational form. */
    private static final double THRESHOLD = 0.46875;
    /** Below this, x*x is negligible against the constant terms (Cody's XSMALL for IEEE double). */
    private static final double X_SMALL = 1.11e-16;
    /** From here on erfc(x) underflows to 0 in double (Cody's XBIG). */
    private static final double X_BIG = 26.543;
    private static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;

    // erf(x) ~ x * A(x^2) / B(x^2) for |x| <= 0.46875
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
            3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
            2.84423683343917062e03};
    // erfc(x) ~ exp(-x^2) * C(x) / D(x) for 0.46875 < x <= 4
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
            2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
            1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
            1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
            1.23033935480374942e03};
    // erfc(x) ~ exp(-x^2) / x * (1/sqrt(pi) - P(1/x^2) / (x^2 Q(1/x^2))) for x > 4
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
            1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
            6.05183413124413191e-2, 2.33520497626869185e-3};

    private SpecialFunctions() {
    }

    /** The error function: erf(±0) = ±0, erf(±inf) = ±1, erf(NaN) = NaN. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return smallErf(x);
        }
        // erf(x) = 1 - erfc(x), written as (0.5 - r) + 0.5 as Cody does to avoid a double rounding
        double r = (0.5 - erfcOfPositive(y)) + 0.5;
        return x < 0 ? -r : r;
    }

    /** The complementary error function 1 - erf(x), accurate in the right tail. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return 1 - smallErf(x);
        }
        double r = erfcOfPositive(y);
        return x < 0 ? 2 - r : r;
    }

    /** erf for |x| <= 0.46875. */
    private static double smallErf(double x) {
        double y = Math.abs(x);
        double ysq = y > X_SMALL ? y * y : 0;
        double num = A[4] * ysq;
        double den = ysq;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return x * (num + A[3]) / (den + B[3]);
    }

    /** erfc(y) for y > 0.46875 (including +inf). */
    private static double erfcOfPositive(double y) {
        double r;
        if (y <= 4) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            r = (num + C[7]) / (den + D[7]);
        } else {
            if (y >= X_BIG) {
                return 0;
            }
            double ysq = 1 / (y * y);
            double num = P[5] * ysq;
            double den = ysq;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * ysq;
                den = (den + Q[i]) * ysq;
            }
            r = ysq * (num + P[4]) / (den + Q[4]);
            r = (ONE_OVER_SQRT_PI - r) / y;
        }
        return expMinusSquare(y) * r;
    }

    /**
     * exp(-y*y) without the rounding error of y*y: y is split into a multiple of 1/16 (whose square
     * is exact) and a small rest, exp(-y^2) = exp(-ysq^2) * exp(-(y - ysq)(y + ysq)).
     */
    private static double expMinusSquare(double y) {
        double ysq = Math.floor(y * 16) / 16;
        double del = (y - ysq) * (y + ysq);
        return Math.exp(-ysq * ysq) * Math.exp(-del);
    }
}
