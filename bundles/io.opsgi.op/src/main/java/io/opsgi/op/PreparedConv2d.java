package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A convolution made ready once for one geometry, one set of constant weights and bias and one
 * {@link Epilogue} (XNNPACK's create/setup/run, ONNX Runtime's PrePack): weights packed, blocking
 * chosen, scratch sized. It runs many times, from several threads at once. It belongs to the kernel
 * that made it ({@link #kernel()}): when that kernel is replaced, a network prepares again on the
 * new one, and a run already started finishes on this object.
 */
@ConsumerType
public interface PreparedConv2d {
    /** The kernel that made this object (its code runs every {@link #run}). */
    Conv2dKernel kernel();

    ConvGeometry geometry();

    Epilogue epilogue();

    /**
     * The epilogue of the convolution of {@code x}: {@code y = epilogue(conv(x, w) + bias)}.
     *
     * @param x        input, {@code geometry().inputShape()}, NCHW; never written
     * @param residual {@code geometry().outputShape()} if the epilogue adds a residual, else null; never written
     * @param y        output to fill completely, {@code geometry().outputShape()}; not {@code x} or {@code residual}
     */
    void run(float[] x, float[] residual, @Output float[] y);
}
