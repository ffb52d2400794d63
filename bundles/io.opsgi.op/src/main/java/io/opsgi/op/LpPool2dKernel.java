package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Computes lp_pool2d. In PyTorch's form exactly as F.lp_pool2d: avg_pool2d of x^p (padding as the
 * geometry says, count_include_pad), times kh*kw, to the power 1/p, no absolute value. In ONNX's
 * form ({@link PoolGeometry#onnx()}) the window's sum of x^p (taps in the padding add nothing, no
 * division, no rescaling) to the power 1/p, after the same {@code sign(s)·relu(|s|)}. (For ONNX's
 * {@code |x|^p} the contract passes {@code |x|}.)
 */
@ConsumerType
public interface LpPool2dKernel extends Kernel {
    /**
     * Fills {@code y} completely from {@code x}, both NCHW for the batched geometry.
     *
     * @param normType p, non-zero
     */
    void lpPool2d(PoolGeometry g, double normType, float[] x, @Output float[] y);
}
