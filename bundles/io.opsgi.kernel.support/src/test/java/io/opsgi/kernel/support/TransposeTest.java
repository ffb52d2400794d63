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
