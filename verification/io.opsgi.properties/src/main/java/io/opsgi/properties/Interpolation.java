package io.opsgi.properties;

import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * The brute-force definitions upsample's and resize's properties share, each op supplying its own
 * source positions (PyTorch's formulas for upsample, the ONNX spec's for resize): nearest as a copy of
 * the named element, bilinear as the float64 blend of the two neighbours per axis, and the law that a
 * blend stays within its plane's range.
 */
final class Interpolation {
    private Interpolation() {
    }

    /** y[n, c, i, j] = x[n, c, row(i), col(j)]. */
    static Tensor nearest(Tensor input, Shape out, IntUnaryOperator row, IntUnaryOperator col) {
        Nchw x = Nchw.of(input);
        int oh = out.dim(out.rank() - 2), ow = out.dim(out.rank() - 1);
        int[] rows = new int[oh], cols = new int[ow];
        for (int i = 0; i < oh; i++) {
            rows[i] = row.applyAsInt(i);
        }
        for (int j = 0; j < ow; j++) {
            cols[j] = col.applyAsInt(j);
        }
        float[] y = new float[x.n() * x.c() * oh * ow];
        int at = 0;
        for (int n = 0; n < x.n(); n++) {
            for (int ch = 0; ch < x.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        y[at++] = x.at(n, ch, rows[i], cols[j]);
                    }
                }
            }
        }
        return Tensor.wrap(out, y);
    }

    /** Bilinear in double: row(i) and col(j) give {i0, i1, lambda1}; y = x[i0] (1 - lambda1) + x[i1] lambda1 along each axis. */
    static Tensor bilinear(Tensor input, Shape out, IntFunction<double[]> row, IntFunction<double[]> col) {
        return separable(input, out, i -> twoTaps(row.apply(i)), j -> twoTaps(col.apply(j)));
    }

    /** {i0, i1, lambda1} as {@link #separable}'s taps: {i0, 1 - lambda1, i1, lambda1}. */
    private static double[] twoTaps(double[] t) {
        return new double[] {t[0], 1 - t[2], t[1], t[2]};
    }

    /**
     * A separable blend in double: row(i) and col(j) give {index_0, weight_0, index_1, weight_1, ...};
     * y = sum over row taps of weight * (sum over column taps of weight * x).
     */
    static Tensor separable(Tensor input, Shape out, IntFunction<double[]> row, IntFunction<double[]> col) {
        Nchw x = Nchw.of(input);
        int oh = out.dim(out.rank() - 2), ow = out.dim(out.rank() - 1);
        double[] y = new double[x.n() * x.c() * oh * ow];
        int at = 0;
        for (int n = 0; n < x.n(); n++) {
            for (int ch = 0; ch < x.c(); ch++) {
                for (int i = 0; i < oh; i++) {
                    double[] r = row.apply(i);
                    for (int j = 0; j < ow; j++) {
                        double[] q = col.apply(j);
                        double sum = 0;
                        for (int u = 0; u < r.length; u += 2) {
                            double blend = 0;
                            for (int v = 0; v < q.length; v += 2) {
                                blend += x.at(n, ch, (int) r[u], (int) q[v]) * q[v + 1];
                            }
                            sum += blend * r[u + 1];
                        }
                        y[at++] = sum;
                    }
                }
            }
        }
        return Nchw.tensor(out, y);
    }

    /** Keys' cubic convolution kernel W(d) with coefficient a (Keys 1981): the bicubic weight of a tap at distance d. */
    static double keys(double d, double a) {
        d = Math.abs(d);
        if (d <= 1) {
            return (a + 2) * d * d * d - (a + 3) * d * d + 1;
        }
        return d < 2 ? a * d * d * d - 5 * a * d * d + 8 * a * d - 4 * a : 0;
    }

    /** The four taps floor(p) - 1 .. floor(p) + 2 of position p, clamped to [0, in - 1], with Keys' weights for a: {index, weight, ...}. */
    static double[] cubicTaps(double p, int in, double a) {
        double f = Math.floor(p);
        double[] t = new double[8];
        for (int k = 0; k < 4; k++) {
            t[2 * k] = Math.max(0, Math.min(in - 1, f - 1 + k));
            t[2 * k + 1] = keys(p - (f - 1 + k), a);
        }
        return t;
    }

    /** Every blended output is a convex combination: within its plane's [min, max], up to the interpolation bound's rounding. */
    static void assertWithinPlaneRanges(Object kernel, Tensor input, Tensor output) {
        Nchw x = Nchw.of(input), y = Nchw.of(output);
        double slack = ToleranceClass.interpolation(input).atol();
        for (int n = 0; n < x.n(); n++) {
            for (int ch = 0; ch < x.c(); ch++) {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < x.h(); i++) {
                    for (int j = 0; j < x.w(); j++) {
                        lo = Math.min(lo, x.at(n, ch, i, j));
                        hi = Math.max(hi, x.at(n, ch, i, j));
                    }
                }
                for (int i = 0; i < y.h(); i++) {
                    for (int j = 0; j < y.w(); j++) {
                        double v = y.at(n, ch, i, j);
                        if (v < lo - slack || v > hi + slack) {
                            throw new AssertionError(kernel + ": output " + List.of(n, ch, i, j) + " = " + v + " outside the plane's range [" + lo + ", " + hi + "]");
                        }
                    }
                }
            }
        }
    }
}
