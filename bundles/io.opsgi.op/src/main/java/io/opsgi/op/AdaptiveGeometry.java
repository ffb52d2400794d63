package io.opsgi.op;

/**
 * An adaptive pool: batched input (n, c, h, w) to output (oh, ow); output row i covers input rows
 * {@link OutputSize#adaptiveStart}(i, h, oh) to {@link OutputSize#adaptiveEnd}(i, h, oh), same for columns.
 */
public record AdaptiveGeometry(int n, int c, int h, int w, int oh, int ow) {
    public int planes() {
        return n * c;
    }
}
