package io.opsgi.kernel.lppool2d.direct;

import io.opsgi.kernel.support.AvgPooling;
import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.op.LpPool2dKernel;
import io.opsgi.op.PoolGeometry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference lp_pool2d, step by step as torch.nn.functional.lp_pool2d (OPERATOR-SEMANTICS §6):
 * <pre>
 * out = avg_pool2d(x.pow(p), k, stride, 0, ceil_mode)          # count_include_pad=True
 * return (sign(out) * relu(abs(out))).mul(kw * kh).pow(1.0 / p)
 * </pre>
 * No absolute value is taken of x (odd p with a negative window sum gives NaN, p = 1 is a signed
 * sum); clipped ceil_mode windows are averaged over their clipped size and then scaled by the full
 * kw*kh; p = inf gives 1 because 1/inf = 0 and pow(., 0) is 1.
 *
 * <p>{@code pow} follows ATen's float32 {@code pow(Tensor, Scalar)} dispatch: exponent 0 fills 1,
 * 1 copies, 0.5 / -0.5 / -1 are sqrt / 1/sqrt / 1/x, 2 / 3 / -2 are x*x / x*x*x / 1/(x*x) in
 * float; any other exponent is {@code (float) pow((double) x, e)}, ATen's scalar path (its AVX2
 * path uses Sleef's powf, which may differ by an ulp or two).
 *
 * <p>In ONNX's four-sided form ({@code g.onnx()}) the window's plain sum of x^p replaces the average
 * times kw*kh: ONNX LpPool sums what the window covers, and a ceil_mode window clipped at the end of
 * the padding is not rescaled (ONNX Runtime 1.29, run on such a window).
 */
@Component(service = {Kernel.class, LpPool2dKernel.class})
@KernelInfo(op = "lp_pool2d", variant = "direct")
@ServiceRanking(0)
public final class DirectLpPool2d implements LpPool2dKernel {

    @Override
    public void lpPool2d(PoolGeometry g, double normType, float[] x, float[] y) {
        // x.pow(norm_type) into a fresh array: the input is never written.
        float[] powered = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            powered[i] = pow(x[i], normType);
        }
        // avg_pool2d(..., padding, ceil_mode, count_include_pad=True, divisor_override=None); ONNX: the sum (divisor 1, exact).
        AvgPooling.avgPool2d(g, true, g.onnx() ? 1 : null, powered, y);
        float scale = g.onnx() ? 1f : g.kw() * g.kh();
        double inverse = 1.0 / normType; // Python: 1.0 / norm_type, in double
        for (int i = 0; i < y.length; i++) {
            float out = y[i];
            // sign(out) * relu(abs(out)): torch.sign is (0 < a) - (a < 0), so this is out itself except
            // that -0.0 becomes +0.0 (and NaN stays NaN); relu(abs(out)) is abs(out).
            float sign = (out > 0 ? 1f : 0f) - (out < 0 ? 1f : 0f);
            out = sign * Math.abs(out);
            y[i] = pow(out * scale, inverse);
        }
    }

    /** torch.pow(float32 tensor, python scalar e) for one element, as ATen dispatches on e. */
    static float pow(float x, double e) {
        if (e == 0.0) {
            return 1f; // pow_Tensor_Scalar_out: fill_(1), even for NaN
        }
        if (e == 1.0) {
            return x; // copy_
        }
        if (e == 0.5) {
            return (float) Math.sqrt(x); // sqrt_kernel; sqrt in double then rounded is the float sqrt
        }
        if (e == -0.5) {
            return 1f / (float) Math.sqrt(x); // rsqrt_kernel: 1 / sqrt(a)
        }
        if (e == -1.0) {
            return 1f / x; // reciprocal_kernel
        }
        if (e == 2.0) {
            return x * x;
        }
        if (e == 3.0) {
            return x * x * x;
        }
        if (e == -2.0) {
            return (float) (1.0 / (x * x)); // 1.0 (double) / (float product), stored as float
        }
        return cPow(x, e);
    }

    /** C's pow(double, double) rounded to float: Java's Math.pow differs from C only for base 1 or -1. */
    private static float cPow(float x, double e) {
        if (x == 1f || (x == -1f && Double.isInfinite(e))) {
            return 1f; // C99: pow(+1, y) = 1 for any y (even NaN); pow(-1, +-inf) = 1. Java gives NaN.
        }
        return (float) Math.pow(x, e);
    }
}
