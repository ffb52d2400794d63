package io.opsgi.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.op.PadMode;
import org.junit.jupiter.api.Test;

/** The shared float64 references on examples small enough to work out by hand. */
class Float64ConvTest {

    @Test
    void conv2d_of_a_ramp_with_a_2x2_box_and_a_bias() {
        // x = 1..9 in a 3x3 plane; each 2x2 window sums four neighbours; bias 0.5.
        Float64Conv.Geometry g = new Float64Conv.Geometry(1, 1, 3, 3, 1, 2, 2, 1, 1, 1, 1, new int[4], 1, PadMode.CONSTANT);
        Float64Reference r = Float64Conv.conv2d(g, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new float[] {1, 1, 1, 1}, new float[] {0.5f});
        assertEquals(2, r.oh());
        assertArrayEquals(new double[] {12.5, 16.5, 24.5, 28.5}, r.y());
    }

    @Test
    void conv2d_reflect_padding_mirrors_without_repeating_the_edge() {
        // [1, 2, 3] padded by 1 on the left and right with reflect is [2, 1, 2, 3, 2]; a 1x1 kernel of 1 copies it.
        Float64Conv.Geometry g = new Float64Conv.Geometry(1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, new int[] {0, 1, 0, 1}, 1, PadMode.REFLECT);
        assertArrayEquals(new double[] {2, 1, 2, 3, 2}, Float64Conv.conv2d(g, new float[] {1, 2, 3}, new float[] {1}, null).y());
    }

    @Test
    void conv_transpose2d_with_stride_2_and_a_ones_kernel_repeats_each_pixel_in_a_block() {
        Float64Conv.Geometry g = new Float64Conv.Geometry(1, 1, 2, 2, 1, 2, 2, 2, 2, 1, 1, new int[4], 1, null);
        Float64Reference r = Float64Conv.convTranspose2d(g, 0, 0, new float[] {1, 2, 3, 4}, new float[] {1, 1, 1, 1}, null);
        assertEquals(4, r.oh());
        assertArrayEquals(new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, r.y());
    }
}
