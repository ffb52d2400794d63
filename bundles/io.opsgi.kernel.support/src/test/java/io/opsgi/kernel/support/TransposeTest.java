package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each tile transpose against the definition {@code dst[rows[j] + i] = src[srcOff + i*srcStride + j]}, with strides and offsets. */
class TransposeTest {
    @Test
    void eightByEight() {
        check(8, Transpose8::tile);
    }

    @Test
    void sixteenBySixteen() {
        check(16, Transpose16::tile);
    }

    /** NCHW channels to [pixel][lane] rows and back, for 8 and 16 lanes and a short last run of pixels (the scalar tail). */
    @Test
    void pixelRowsRoundTrip() {
        for (int lanes : new int[] {8, 16, 5}) {
            int pixels = 37, plane = 41, stride = lanes == 5 ? 8 : lanes;
            float[] nchw = new float[2 + lanes * plane];
            for (int i = 0; i < nchw.length; i++) {
                nchw[i] = i;
            }
            float[] rows = new float[3 + pixels * stride];
            Transpose16.toPixelRows(nchw, 2, plane, pixels, lanes, rows, 3, stride);
            for (int p = 0; p < pixels; p++) {
                for (int l = 0; l < lanes; l++) {
                    assertEquals(nchw[2 + l * plane + p], rows[3 + p * stride + l], lanes + " lanes: pixel " + p + " lane " + l);
                }
            }
            float[] back = new float[nchw.length];
            Transpose16.fromPixelRows(rows, 3, stride, pixels, lanes, back, 2, plane);
            for (int p = 0; p < pixels; p++) {
                for (int l = 0; l < lanes; l++) {
                    assertEquals(nchw[2 + l * plane + p], back[2 + l * plane + p], lanes + " lanes back: pixel " + p + " lane " + l);
                }
            }
        }
    }

    private interface Tile {
        void run(float[] src, int srcOff, int srcStride, float[] dst, int[] rows);
    }

    private static void check(int n, Tile tile) {
        int srcOff = 3, srcStride = n + 5;
        float[] src = new float[srcOff + n * srcStride];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        int[] rows = new int[n];
        for (int j = 0; j < n; j++) {
            rows[j] = 7 + j * (n + 2);
        }
        float[] dst = new float[7 + n * (n + 2)];
        tile.run(src, srcOff, srcStride, dst, rows);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(src[srcOff + i * srcStride + j], dst[rows[j] + i], n + "x" + n + " at i=" + i + ", j=" + j);
            }
        }
    }
}
