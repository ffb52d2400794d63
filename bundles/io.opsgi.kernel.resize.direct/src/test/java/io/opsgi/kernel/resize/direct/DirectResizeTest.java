package io.opsgi.kernel.resize.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.op.Resize;
import io.opsgi.op.ResizeAttrs;
import io.opsgi.op.ResizeAttrs.CoordinateTransformation;
import io.opsgi.op.ResizeAttrs.Mode;
import io.opsgi.op.ResizeAttrs.NearestMode;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** resize through the contract; expected values are those printed in the ONNX Resize operator documentation's examples. */
class DirectResizeTest {
    private final DirectResize kernel = new DirectResize();

    private static Tensor from1(int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i + 1;
        }
        return Tensor.wrap(s, d);
    }

    @Test
    void upsampleScalesNearest() {
        // resize_upsample_scales_nearest: [[1, 2], [3, 4]] by (2, 3)
        Tensor y = Resize.apply(kernel, from1(1, 1, 2, 2), ResizeAttrs.scaled(Mode.NEAREST, 2, 3));
        assertBits(new float[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}, y);
    }

    @Test
    void downsampleScalesLinear() {
        // resize_downsample_scales_linear: [[1, 2, 3, 4], [5, 6, 7, 8]] by 0.6 -> [[2.6666665, 4.3333331]]
        Tensor y = Resize.apply(kernel, from1(1, 1, 2, 4), ResizeAttrs.scaled(Mode.LINEAR, 0.6, 0.6));
        assertEquals(Shape.of(1, 1, 1, 2), y.shape());
        assertArrayEquals(new float[] {2.6666665f, 4.3333331f}, y.toArray(), 1e-6f);
    }

    @Test
    void downsampleScalesLinearAlignCornersUsesTheOutputLength() {
        // resize_downsample_scales_linear_align_corners prints [[1, 3.142857]]: onnx's reference divides by in*scale - 1 = 1.4.
        // The spec's length_resized is the output length 2 (x * 3 / 1), and ONNX Runtime 1.29 gives [[1, 4]] (crosscheck.py).
        Tensor y = Resize.apply(kernel, from1(1, 1, 2, 4), ResizeAttrs.scaled(Mode.LINEAR, 0.6, 0.6).with(CoordinateTransformation.ALIGN_CORNERS));
        assertBits(new float[] {1f, 4f}, y);
    }

    @Test
    void upsampleSizesNearestCeilHalfPixel() {
        // resize_upsample_sizes_nearest_ceil_half_pixel: 1..16 (4x4) to 8x8, first two rows
        Tensor y = Resize.apply(kernel, from1(1, 1, 4, 4), ResizeAttrs.sized(Mode.NEAREST, 8, 8).with(NearestMode.CEIL));
        float[] first = new float[16];
        System.arraycopy(y.toArray(), 0, first, 0, 16);
        assertArrayEquals(new float[] {1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8}, first);
    }

    @Test
    void inputIsNotWritten() {
        Tensor x = from1(1, 2, 3, 3);
        float[] before = x.toArray();
        Resize.apply(kernel, x, ResizeAttrs.scaled(Mode.LINEAR, 1.5, 2));
        assertArrayEquals(before, x.buffer());
    }
}
