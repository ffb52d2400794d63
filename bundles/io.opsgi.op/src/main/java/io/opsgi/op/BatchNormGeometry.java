package io.opsgi.op;

/** batch_norm over an (n, c, spatial...) input: statistics per channel over n * spatial values. */
public record BatchNormGeometry(int n, int c, int spatial) {
}
