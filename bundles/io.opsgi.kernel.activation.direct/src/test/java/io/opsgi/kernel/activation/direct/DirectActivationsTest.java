package io.opsgi.kernel.activation.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The element-wise activations through {@link Activations#apply}: the special values of
 * OPERATOR-SEMANTICS §9 and the bit-exact identities of §10 exactly; the transcendental ones
 * against their definitions in double, each with a stated tolerance
 * {@code |y - ref| <= atol + xScale*|x| + rtol*|ref|}.
 */
class DirectActivationsTest {
    private static final DirectActivations KERNEL = new DirectActivations();
    private static final double ULP1 = Math.pow(2, -24); // half the spacing of floats just below 1; float eps / 2

    /** -30..30 in 20001 steps (as the semantics scripts use), then tiny, subnormal and extreme values. */
    private static final float[] GRID = grid();

    private static float[] grid() {
        float[] extra = {1e-7f, -1e-7f, 1e-20f, -1e-20f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                0.5f, -0.5f, 3f, -3f, 6f, -6f, 20f, 20.000002f, 1e-3f, -1e-3f};
        float[] g = new float[20001 + extra.length];
        for (int i = 0; i < 20001; i++) {
            g[i] = (float) (-30 + 60.0 * i / 20000);
        }
        System.arraycopy(extra, 0, g, 20001, extra.length);
        return g;
    }

    private static float[] apply(ActivationAttrs a, float... x) {
        float[] before = x.clone();
        float[] y = Activations.apply(KERNEL, Tensor.of(Shape.of(x.length), x), a).toArray();
        assertArrayEquals(before, x, "the input must not be written");
        return y;
    }

    private static void assertBits(String what, float[] x, float[] expected, float[] actual) {
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) { // all NaNs alike
                fail(what + "(" + x[i] + "): expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** A tolerance for one point, given x and the reference value. */
    private interface Tolerance {
        double at(double x, double ref);
    }

    /** y within atol + xScale*|x| + rtol*|ref(x)| of the double-precision definition, over GRID. */
    private static void assertClose(String what, ActivationAttrs a, DoubleUnaryOperator ref, double atol, double xScale, double rtol) {
        assertClose(what, a, ref, (x, r) -> atol + xScale * Math.abs(x) + rtol * Math.abs(r));
    }

    /**
     * y within the tolerance of the double-precision definition, over GRID. One float subnormal
     * step is always allowed: a result below 2^-126 cannot be closer than that.
     */
    private static void assertClose(String what, ActivationAttrs a, DoubleUnaryOperator ref, Tolerance tolerance) {
        float[] y = apply(a, GRID);
        for (int i = 0; i < GRID.length; i++) {
            double expected = ref.applyAsDouble(GRID[i]);
            double tol = Float.MIN_VALUE + tolerance.at(GRID[i], expected);
            if (!(Math.abs(y[i] - expected) <= tol)) {
                fail(what + "(" + GRID[i] + ") = " + y[i] + ", expected " + expected + " +- " + tol);
            }
        }
    }

    // ---- §9 special values, exact. Columns: NaN, +inf, -inf, -0.0, +0.0 ----

    private static final float NAN = Float.NaN, INF = Float.POSITIVE_INFINITY;
    private static final float[] SPECIAL = {NAN, INF, -INF, -0f, 0f};

    private static void assertSpecial(ActivationAttrs a, float... expected) {
        assertBits(a.fn().op(), SPECIAL, expected, apply(a, SPECIAL));
    }

    @Test
    void special_values_relu_family() {
        assertSpecial(ActivationAttrs.of(Activation.RELU), NAN, INF, 0f, -0f, 0f); // relu(-0.0) = -0.0
        assertSpecial(ActivationAttrs.of(Activation.RELU6), NAN, 6f, 0f, -0f, 0f);
        assertSpecial(ActivationAttrs.of(Activation.HARDTANH), NAN, 1f, -1f, -0f, 0f);
        assertSpecial(ActivationAttrs.of(Activation.LEAKY_RELU), NAN, INF, -INF, -0f, 0f);
    }

    @Test
    void special_values_elu_family() {
        assertSpecial(ActivationAttrs.of(Activation.ELU), NAN, INF, -1f, 0f, 0f); // -0.0 -> +0.0 ((1 - 1) * alpha)
        assertSpecial(ActivationAttrs.elu(0.5f), NAN, INF, -0.5f, 0f, 0f);
        assertSpecial(ActivationAttrs.of(Activation.SELU), NAN, INF, -1.7580993f, 0f, 0f);
        assertSpecial(ActivationAttrs.celu(2f), NAN, INF, -2f, 0f, 0f);
    }

    @Test
    void special_values_gelu_silu_mish_hardswish() {
        // -inf -> NaN for all four (-inf * 0); -0.0 keeps its sign through x * (...)
        assertSpecial(ActivationAttrs.gelu(false), NAN, INF, NAN, -0f, 0f);
        assertSpecial(ActivationAttrs.gelu(true), NAN, INF, NAN, -0f, 0f);
        assertSpecial(ActivationAttrs.of(Activation.SILU), NAN, INF, NAN, -0f, 0f);
        assertSpecial(ActivationAttrs.of(Activation.MISH), NAN, INF, NAN, -0f, 0f);
        assertSpecial(ActivationAttrs.of(Activation.HARDSWISH), NAN, INF, NAN, -0f, 0f);
    }

    @Test
    void special_values_sigmoid_family() {
        assertSpecial(ActivationAttrs.of(Activation.HARDSIGMOID), NAN, 1f, 0f, 0.5f, 0.5f);
        assertSpecial(ActivationAttrs.of(Activation.SIGMOID), NAN, 1f, 0f, 0.5f, 0.5f);
        assertSpecial(ActivationAttrs.of(Activation.TANH), NAN, 1f, -1f, -0f, 0f);
        float ln2 = (float) Math.log(2);
        assertSpecial(ActivationAttrs.of(Activation.SOFTPLUS), NAN, INF, 0f, ln2, ln2);
    }

    // ---- §10 bit-exact identities ----

    @Test
    void relu_relu6_hardtanh_are_exact_clamps() {
        float[] relu = new float[GRID.length], relu6 = new float[GRID.length], ht = new float[GRID.length], ht23 = new float[GRID.length];
        for (int i = 0; i < GRID.length; i++) {
            double v = GRID[i];
            // in double, with the sign of zero restored (Math.max(-0.0, 0.0) is +0.0, PyTorch keeps -0.0)
            relu[i] = GRID[i] == 0 ? GRID[i] : (float) Math.max(v, 0.0);
            relu6[i] = GRID[i] == 0 ? GRID[i] : (float) Math.min(Math.max(v, 0.0), 6.0);
            ht[i] = (float) Math.min(Math.max(v, -1.0), 1.0);
            ht23[i] = (float) Math.min(Math.max(v, -2.0), 3.0);
        }
        assertBits("relu", GRID, relu, apply(ActivationAttrs.of(Activation.RELU), GRID));
        assertBits("relu6", GRID, relu6, apply(ActivationAttrs.of(Activation.RELU6), GRID));
        assertBits("hardtanh", GRID, ht, apply(ActivationAttrs.of(Activation.HARDTANH), GRID));
        assertBits("hardtanh(-2,3)", GRID, ht23, apply(ActivationAttrs.hardtanh(-2f, 3f), GRID));
    }

    @Test
    void hardtanh_with_min_above_max_returns_max_everywhere() {
        float[] x = {-5, 0, 1.5f, 5};
        assertBits("hardtanh(2,1)", x, new float[] {1, 1, 1, 1}, apply(ActivationAttrs.hardtanh(2f, 1f), x));
    }

    @Test
    void leaky_relu_is_x_times_float_slope() {
        for (float slope : new float[] {0.01f, 0.2f, -0.5f, 3f}) {
            float[] expected = new float[GRID.length];
            for (int i = 0; i < GRID.length; i++) {
                // the double product of two floats is exact; rounding it once equals the float product
                expected[i] = GRID[i] > 0 ? GRID[i] : (float) ((double) GRID[i] * slope);
            }
            assertBits("leaky_relu(" + slope + ")", GRID, expected, apply(ActivationAttrs.leakyRelu(slope), GRID));
        }
    }

    @Test
    void hardswish_and_hardsigmoid_bit_exact_in_pytorch_order() {
        float[] hs = new float[GRID.length], hsig = new float[GRID.length];
        boolean swishOrderMatters = false, sigmoidDivisionMatters = false;
        for (int i = 0; i < GRID.length; i++) {
            float x = GRID[i];
            float c = Math.min(Math.max(x + 3f, 0f), 6f);
            hs[i] = x * c / 6f;
            hsig[i] = c / 6f;
            swishOrderMatters |= x * (c / 6f) != hs[i];
            sigmoidDivisionMatters |= c * (1f / 6f) != hsig[i];
        }
        assertBits("hardswish", GRID, hs, apply(ActivationAttrs.of(Activation.HARDSWISH), GRID));
        assertBits("hardsigmoid", GRID, hsig, apply(ActivationAttrs.of(Activation.HARDSIGMOID), GRID));
        // the grid is fine enough to tell the orders apart (§9: x*(c/6) and c*(1/6) are not bit-exact)
        assertTrue(swishOrderMatters && sigmoidDivisionMatters);
    }

    // ---- elu family: 1.13's float exp(x) - 1 ----

    @Test
    void elu_against_expm1_definition() {
        // 1.13 computes exp(x) - 1 in float: absolute error up to 2^-24 * |alpha| near 0-, plus a few ulp of y
        for (float alpha : new float[] {1f, 0.5f, 2.5f, -0.7f}) {
            assertClose("elu(" + alpha + ")", ActivationAttrs.elu(alpha), x -> x > 0 ? x : alpha * Math.expm1(x),
                    Math.abs(alpha) * ULP1, 0, 4 * ULP1);
        }
    }

    @Test
    void elu_near_zero_keeps_the_113_cancellation() {
        // float(exp(-1e-7)) = 1 - 2^-23, so elu(-1e-7) = -2^-23 = -1.19e-7 (the exact value is -1.0e-7)
        assertEquals(-0x1p-23f, apply(ActivationAttrs.of(Activation.ELU), -1e-7f)[0]);
    }

    @Test
    void selu_positive_branch_is_exact_and_negative_branch_close() {
        assertEquals(1.7580993f, DirectActivations.SELU_ALPHA * DirectActivations.SELU_SCALE);
        float[] y = apply(ActivationAttrs.of(Activation.SELU), GRID);
        for (int i = 0; i < GRID.length; i++) {
            if (GRID[i] > 0) {
                assertEquals(GRID[i] * 1.050701f, y[i], "x > 0 branch is exactly x * 1.050701f");
            }
        }
        double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946;
        // float constants differ from the exact ones by < 2^-24 relative, hence 6 ulp-units
        assertClose("selu", ActivationAttrs.of(Activation.SELU), x -> scale * (x > 0 ? x : alpha * Math.expm1(x)),
                1.76 * ULP1, 0, 6 * ULP1);
    }

    @Test
    void celu_against_definition() {
        for (float alpha : new float[] {1f, 2f, 0.5f, -1.5f}) {
            // ATen forms exp(x * (float)(1/alpha)): the rounded scale and product move the exponent by up
            // to 2 * |x/alpha| * 2^-24 relative; y moves by that times |y| (large only for alpha < 0, where
            // the branch grows), on top of elu's own error
            assertClose("celu(" + alpha + ")", ActivationAttrs.celu(alpha), x -> x > 0 ? x : alpha * Math.expm1(x / alpha),
                    (x, ref) -> 2 * Math.abs(alpha) * ULP1 + (4 + 2 * Math.abs(x / alpha)) * ULP1 * Math.abs(ref));
        }
    }

    // ---- gelu ----

    /** erf by the all-positive series erf(z) = 2/sqrt(pi) e^-z^2 sum 2^n z^(2n+1) / (1*3*...*(2n+1)); +-1 beyond 6. */
    private static double seriesErf(double z) {
        if (Math.abs(z) > 6) {
            return Math.signum(z); // erfc(6) = 2e-17
        }
        double term = z, sum = z;
        for (int n = 1; n < 400 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
    }

    @Test
    void reference_erf_series_is_sound() {
        assertEquals(0.5204998778130465, seriesErf(0.5), 1e-15);
        assertEquals(0.8427007929497149, seriesErf(1), 1e-15);
        assertEquals(0.9953222650189527, seriesErf(2), 1e-15);
        assertEquals(-0.9999779095030014, seriesErf(-3), 1e-15);
    }

    @Test
    void special_values_sqrt_erf() {
        // IEEE sqrt: sqrt(-inf) is NaN, sqrt(-0.0) = -0.0; erf(+-inf) = +-1, erf keeps the sign of zero
        assertSpecial(ActivationAttrs.of(Activation.SQRT), NAN, INF, NAN, -0f, 0f);
        assertSpecial(ActivationAttrs.of(Activation.ERF), NAN, 1f, -1f, -0f, 0f);
    }

    @Test
    void sqrt_and_erf_against_their_definitions() {
        // sqrt is correctly rounded: within half an ulp (<= 2^-24 relative) of the exact root; NaN below 0
        float[] y = apply(ActivationAttrs.of(Activation.SQRT), GRID);
        for (int i = 0; i < GRID.length; i++) {
            double exact = Math.sqrt(GRID[i]);
            assertTrue(GRID[i] < 0 ? Float.isNaN(y[i]) : Math.abs(y[i] - exact) <= ULP1 * exact + Float.MIN_VALUE, "sqrt(" + GRID[i] + ") = " + y[i]);
        }
        assertClose("erf", ActivationAttrs.of(Activation.ERF), DirectActivationsTest::seriesErf, 0, 0, 2 * ULP1);
    }

    @Test
    void gelu_erf_form_against_definition() {
        // float 1 + erf cancels in the left tail: absolute error up to |x|/2 * 2^-24 (§10: "an absolute
        // tolerance is required"), plus a few ulp of y
        assertClose("gelu", ActivationAttrs.gelu(false), x -> 0.5 * x * (1 + seriesErf(x / Math.sqrt(2))), 0, ULP1, 4 * ULP1);
    }

    @Test
    void gelu_left_tail_matches_113() {
        float[] y = apply(ActivationAttrs.gelu(false), -5f, -10f);
        assertEquals(-1.49e-6, y[0], 0.005e-6, "1.13 gelu(-5) = -1.49e-6 (exact -1.43e-6)");
        assertEquals(0f, y[1], 0f, "gelu(-10) = 0");
    }

    @Test
    void gelu_tanh_form_against_definition() {
        double k = Math.sqrt(2 / Math.PI);
        // as for the erf form, float 1 + tanh cancels in the left tail; the tanh argument is also formed in
        // float (x^3, two products, a sum), which moves tanh by a few 2^-24 more: absolute |x| * 2^-23
        // (measured max 1.6 |x| 2^-24), plus a few ulp of y
        assertClose("gelu_tanh", ActivationAttrs.gelu(true), x -> 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x * x * x))),
                0, 2 * ULP1, 4 * ULP1);
    }

    // ---- silu, mish, sigmoid, tanh, softplus: round-per-call, a few ulp ----

    @Test
    void silu_against_definition() {
        assertClose("silu", ActivationAttrs.of(Activation.SILU), x -> x / (1 + Math.exp(-x)), 0, 0, 4 * ULP1);
    }

    @Test
    void mish_against_definition() {
        // three rounded calls and a product, each conditioned <= 1: within 8 units of 2^-24
        assertClose("mish", ActivationAttrs.of(Activation.MISH), x -> x * Math.tanh(Math.log1p(Math.exp(x))), 0, 0, 8 * ULP1);
        float[] y = apply(ActivationAttrs.of(Activation.MISH), 100f, -120f);
        assertEquals(100f, y[0], "exp overflows to inf in float, tanh(inf) = 1");
        assertEquals(-0f, y[1], 0f, "exp underflows to 0");
    }

    @Test
    void sigmoid_and_tanh_against_definition() {
        assertClose("sigmoid", ActivationAttrs.of(Activation.SIGMOID), x -> 1 / (1 + Math.exp(-x)), 0, 0, 4 * ULP1);
        assertClose("tanh", ActivationAttrs.of(Activation.TANH), Math::tanh, 0, 0, 2 * ULP1);
    }

    @Test
    void softplus_against_definition() {
        float[][] params = {{1, 20}, {2, 5}, {0.5f, 20}, {-1, 20}, {1, 0.5f}};
        for (float[] p : params) {
            double beta = p[0], threshold = p[1];
            assertClose("softplus(" + p[0] + ", " + p[1] + ")", ActivationAttrs.softplus(p[0], p[1]),
                    x -> x * beta > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta, 0, 0, 6 * ULP1);
        }
    }

    @Test
    void softplus_threshold_is_strict_and_beta_zero_gives_inf() {
        float[] y = apply(ActivationAttrs.softplus(1f, 0.5f), 0.5f, Math.nextUp(0.5f));
        assertEquals((float) Math.log1p(Math.exp(0.5)), y[0], 1e-7f, "x*beta == threshold takes the log1p branch");
        assertEquals(Math.nextUp(0.5f), y[1], "above the threshold y = x exactly");
        assertEquals(INF, apply(ActivationAttrs.softplus(0f, 20f), -3f, 0f, 3f)[1], "beta = 0: log1p(1)/0");
    }

    @Test
    void empty_input() {
        assertEquals(Shape.of(0, 3), Activations.apply(KERNEL, Tensor.zeros(0, 3), ActivationAttrs.of(Activation.GELU)).shape());
    }

    @Test
    void shape_is_kept() {
        Tensor x = Tensor.of(Shape.of(2, 1, 2), -2, -1, 1, 2);
        Tensor y = Activations.apply(KERNEL, x, ActivationAttrs.of(Activation.RELU));
        assertEquals(x.shape(), y.shape());
        assertArrayEquals(new float[] {0, 0, 1, 2}, y.toArray());
    }
}
