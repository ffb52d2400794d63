package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes conv2d (cross-correlation, PyTorch semantics) for a validated geometry. */
@ConsumerType
public interface Conv2dKernel extends Kernel {
    /**
     * @param x    input, {@code g.inputShape()}, NCHW
     * @param w    weight, (cOut, cIn/groups, kh, kw)
     * @param bias (cOut) or null
     * @param y    output to fill completely, {@code g.outputShape()}
     */
    void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, @Output float[] y);

    /**
     * Whether this kernel computes {@code g}. A specialised kernel (depthwise only, 3x3 only, ...)
     * answers false for the rest, and the runtime hands those calls to the next kernel in rank
     * order, ultimately the reference, which supports every geometry. Conformance checks a kernel
     * on exactly the geometries it supports.
     */
    default boolean supports(ConvGeometry g) {
        return true;
    }

    /**
     * Makes this kernel ready to run {@code g} many times with these weights and this epilogue
     * ({@link PreparedConv2d}). What it needs of {@code w} and {@code bias} is copied: the caller may
     * change them afterwards. Only called for geometries this kernel {@link #supports}.
     *
     * <p>The default runs the plain {@link #conv2d} on copies and then the epilogue as its own pass:
     * correct for every kernel, and kernels that can pack their weights once or apply the epilogue
     * in their output loop override it.
     *
     * @throws IllegalArgumentException if the epilogue's per-channel arrays do not have {@code g.cOut()} values
     */
    default PreparedConv2d prepare(ConvGeometry g, float[] w, float[] bias, Epilogue epilogue) {
        return new AfterPlainCall(this, g, w, bias, epilogue);
    }
}
