package io.opsgi.op;

/**
 * A linear layer resolved by the contract: {@code rows} input vectors of {@code inFeatures} each
 * (every dimension but the last, multiplied out), weight (outFeatures, inFeatures), and as many
 * output vectors of {@code outFeatures}.
 */
public record LinearGeometry(int rows, int inFeatures, int outFeatures) {
}
