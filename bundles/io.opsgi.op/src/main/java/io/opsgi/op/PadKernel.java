package io.opsgi.op;

import org.osgi.annotation.versioning.ConsumerType;

/** Computes F.pad for a validated geometry. */
@ConsumerType
public interface PadKernel extends Kernel {
    /** Fills {@code y} (outer x outH x outW) from {@code x} (outer x inH x inW) as {@link PadMode#source} says. */
    void pad(PadGeometry g, PadMode mode, float value, float[] x, @Output float[] y);
}
