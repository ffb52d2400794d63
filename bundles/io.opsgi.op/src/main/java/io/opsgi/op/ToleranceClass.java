package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Locale;

/**
 * How closely an operator's float output must match PyTorch's, and why (OPERATOR-SEMANTICS.md §10).
 * Each {@link OpSchema} names its class; the numbers and their derivations live here, once. Indices
 * are not here: they always match exactly. A vector case's own tolerance overrides everything.
 */
public enum ToleranceClass {
    /**
     * PyTorch computes each output by selection, a copy, or a fixed short sequence of correctly
     * rounded float operations, which Java reproduces bit for bit.
     */
    BIT_EXACT("bit-exact"),
    /** Element-wise ops built on exp, log1p, tanh or erf: torch.testing.assert_close's float32 default. */
    ASSERT_CLOSE("assert_close"),
    /** Sums of K terms, where every summation order rounds differently: {@code atol = c·sqrt(K)·u·(max|y| + 1)}. */
    REDUCTION("sqrt(K)-scaled"),
    /** A reduction that also calls exp, log or pow on every element (softmax, lp_pool2d): the larger of the two bounds. */
    REDUCTION_WITH_LIBM("sqrt(K)-scaled, >= assert_close"),
    /** Bilinear interpolation: a bound growing with the input's larger side S, see {@link #interpolation}. */
    INTERPOLATION("size-scaled"),
    /** Bicubic interpolation with float weights (PyTorch's): the same bound for Keys' kernel, see {@link #cubicInterpolation}. */
    CUBIC_INTERPOLATION("size-scaled, cubic");

    /** torch.testing.assert_close's float32 defaults (torch.testing._comparison._DTYPE_PRECISIONS, 1.13). */
    public static final double ASSERT_CLOSE_RTOL = 1.3e-6;
    public static final double ASSERT_CLOSE_ATOL = 1e-5;

    /** The float32 unit roundoff u = 2^-24: the relative error of one correctly rounded operation. */
    public static final double UNIT_ROUNDOFF = 0x1p-24;

    /**
     * c in the reduction bound {@code atol = c·sqrt(K)·u·(max|expected| + 1)}. Derivation: PyTorch's
     * own CPU conv backends differ by 8.1e-6 at |y| ~ 6 with K = 576 (§10); sqrt(576)·u·(6 + 1) =
     * 1.0e-5, so they sit at c ≈ 0.81. Rounding errors of a sum behave like a random walk (hence
     * sqrt(K)), but our summation order is different from both backends and the scale uses the
     * largest output rather than each element's partial sums, so we allow 5x that spread: c = 4,
     * the factor §10 itself suggests for a sqrt(K) bound.
     */
    public static final double REDUCTION_C = 4;

    /** assert_close's rtol in units of one reduction step {@code c·u}: what a libm-based op adds to a network's depth (≈ 5.5). */
    public static final double LIBM_DEPTH = ASSERT_CLOSE_RTOL / (REDUCTION_C * UNIT_ROUNDOFF);

    private static final String EXACT_REASON = "PyTorch computes each output by selection or copy, or by a fixed sequence of "
            + "correctly rounded float operations in an order the kernel reproduces (OPERATOR-SEMANTICS §10)";
    private static final String LIBM_REASON = "exp/log1p/tanh/erf come from glibc libm or Sleef in PyTorch and from Java's "
            + "math library here; none is correctly rounded in float, so results differ by an ulp or so, and 1.13's cancellation "
            + "(gelu's left tail, elu near 0-) needs an absolute bound: torch.testing.assert_close's float32 default";

    private final String label;

    ToleranceClass(String label) {
        this.label = label;
    }

    /** For reports: {@code bit-exact}, {@code assert_close}, {@code sqrt(K)-scaled}, ... */
    public String label() {
        return label;
    }

    /**
     * The tolerance of this class for one output.
     *
     * @param k        the reduction length K ({@link OpSchema#reductionLength})
     * @param expected PyTorch's output (the scale of the reduction bounds)
     * @param input    the op's input (the scale of the interpolation bound)
     */
    public Tolerance bound(int k, Tensor expected, Tensor input) {
        switch (this) {
            case BIT_EXACT:
                return Tolerance.exact(EXACT_REASON);
            case ASSERT_CLOSE:
                return assertClose();
            case INTERPOLATION:
                return interpolation(input);
            case CUBIC_INTERPOLATION:
                return cubicInterpolation(input);
            default:
                Tolerance t = reduction(k, expected);
                if (this == REDUCTION_WITH_LIBM && t.atol() < ASSERT_CLOSE_ATOL) {
                    // softmax, log_softmax and lp_pool2d also call exp, log or pow on every element.
                    return Tolerance.close(ASSERT_CLOSE_RTOL, ASSERT_CLOSE_ATOL, t.reason() + "; at least assert_close: " + LIBM_REASON);
                }
                return t;
        }
    }

    /**
     * What one op of this class adds to a network's error, in units of {@code c·u·(max|y| + 1)}
     * (see io.opsgi.net's NetworkTolerance): 0 when bit-exact, sqrt(K) for a sum, S + 1 for a
     * bilinear upsample, {@link #LIBM_DEPTH} for an assert_close op, both for a reduction with libm.
     */
    public double depth(int k, Shape input) {
        return switch (this) {
            case BIT_EXACT -> 0;
            case ASSERT_CLOSE -> LIBM_DEPTH;
            case REDUCTION -> Math.sqrt(Math.max(1, k));
            case REDUCTION_WITH_LIBM -> Math.sqrt(Math.max(1, k)) + LIBM_DEPTH;
            case INTERPOLATION -> largerSide(input) + 1;
            case CUBIC_INTERPOLATION -> (largerSide(input) + 1) * CUBIC_C / REDUCTION_C;
        };
    }

    /** torch.testing.assert_close's float32 default, for the element-wise ops built on libm. */
    public static Tolerance assertClose() {
        return Tolerance.close(ASSERT_CLOSE_RTOL, ASSERT_CLOSE_ATOL, LIBM_REASON);
    }

    /**
     * The bound for a sum of {@code k} float terms whose expected result is {@code expected}:
     * rtol 1.3e-6 (assert_close's) and {@code atol = c·sqrt(k)·2^-24·(max|expected| + 1)} (see
     * {@link #REDUCTION_C}). The +1 keeps outputs near zero from getting a zero bound when their
     * terms cancel.
     */
    public static Tolerance reduction(int k, Tensor expected) {
        double scale = maxAbsFinite(expected) + 1;
        double atol = REDUCTION_C * Math.sqrt(Math.max(1, k)) * UNIT_ROUNDOFF * scale;
        return Tolerance.close(ASSERT_CLOSE_RTOL, atol, String.format(Locale.ROOT,
                "sum of K=%d terms: a different summation order than ATen's; atol = %.0f*sqrt(K)*2^-24*(max|y| + 1)", k, REDUCTION_C));
    }

    /**
     * The bound for a bilinear upsample of {@code input} (N, C, H, W): rtol 1.3e-6 and
     * {@code atol = c·(S + 1)·2^-24·(max|input| + 1)}, S = max(H, W). Derivation: the source position
     * {@code ratio·(o + 0.5) − 0.5} lies in [0, S), so its float rounding (PyTorch 1.13 derives it in a
     * slightly different precision than the float formula of {@code UpsampleGeometry}, and may fuse
     * multiply-adds) moves each weight λ by up to about {@code S·2^-24}; a weight error δ changes the
     * output by {@code δ·|x1 − x0| ≤ 2δ·max|x|} per axis, two axes, plus three float roundings of the
     * blend: about {@code (4S + 3)·2^-24·max|x|}. With {@link #REDUCTION_C} = 4 that is the bound; the
     * largest difference found against torch 1.13 over 250 random configurations up to 150x150 used
     * 24% of it. Bilinear interpolation is continuous in the position, so no index flip can exceed it.
     */
    public static Tolerance interpolation(Tensor input) {
        return interpolation("bilinear weights", REDUCTION_C, "%.0f", input);
    }

    /**
     * The bound for a bicubic upsample with PyTorch's float weights (Keys' kernel, A = -0.75): {@link #interpolation}'s
     * derivation with the cubic kernel's constants. A position error δ moves an axis's four weights by at most
     * max_t Σ|W'| = 3 times δ (bilinear's two: 2), and the other axis's weights, whose absolute sum reaches 1.375 (bilinear's
     * 1), carry it: per axis 3·1.375·δ·max|x|, two axes, so c = {@link #CUBIC_C} = 8.25 where bilinear's is 2·2·1 = 4.
     * Under bilinear's constant a random case had used 103% of the bound (2.06e-6 against 2.0e-6 on a 6-pixel side).
     */
    public static Tolerance cubicInterpolation(Tensor input) {
        return interpolation("bicubic weights (Keys, A = -0.75)", CUBIC_C, "%.2f", input);
    }

    /** c of {@link #cubicInterpolation}: 2 axes x max Σ|W'| (3) x max Σ|W| (1.375) of Keys' kernel at A = -0.75. */
    public static final double CUBIC_C = 2 * 3 * 1.375;

    private static int largerSide(Shape x) {
        return x.rank() == 4 ? Math.max(x.dim(2), x.dim(3)) : 1;
    }

    /** rtol 1.3e-6 and {@code atol = c·(S + 1)·2^-24·(max|input| + 1)}, S = max(H, W): the interpolation bounds' one form. */
    private static Tolerance interpolation(String weights, double c, String cFormat, Tensor input) {
        int s = largerSide(input.shape());
        double atol = c * (s + 1) * UNIT_ROUNDOFF * (maxAbsFinite(input) + 1);
        return Tolerance.close(ASSERT_CLOSE_RTOL, atol, String.format(Locale.ROOT,
                "%s from a source position in [0, S), S=%d, rounded differently than ATen's; atol = " + cFormat + "*(S + 1)*2^-24*(max|x| + 1)",
                weights, s, c));
    }

    /** The largest finite magnitude in {@code t} (0 if none): the scale every absolute bound is relative to. */
    public static double maxAbsFinite(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            float v = t.getFlat(i);
            if (Float.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }
}
