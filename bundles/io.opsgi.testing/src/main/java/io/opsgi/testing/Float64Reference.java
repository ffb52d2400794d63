package io.opsgi.testing;

/**
 * A brute-force float64 reference for an NCHW kernel output: {@code y} (flat), its error scale per
 * element (e.g. Σ|x·w| + |bias|, for {@link TensorAsserts#assertWithinScaledTolerance}) and the
 * output's spatial size {@code oh} x {@code ow}.
 */
public record Float64Reference(double[] y, double[] scale, int oh, int ow) {
}
