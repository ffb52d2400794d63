package io.opsgi.op;

/**
 * A pad seen as {@code outer} planes of (inH, inW) padded to (outH, outW): output (i, j) reads input
 * position (i - top, j - left), mapped by the pad mode. A 1-D pad has inH = outH = 1 and top = 0.
 * top and left are negative when cropping.
 */
public record PadGeometry(int outer, int inH, int inW, int outH, int outW, int top, int left) {
}
