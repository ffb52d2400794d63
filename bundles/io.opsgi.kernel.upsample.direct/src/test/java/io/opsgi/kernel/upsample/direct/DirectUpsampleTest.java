package io.opsgi.kernel.upsample.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Upsample;
import io.opsgi.op.UpsampleAttrs;
import io.opsgi.op.UpsampleAttrs.ScaleFactor;
import io.opsgi.op.UpsampleMode;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** upsample through the contract; expected values are torch 1.13.0's outputs on the same inputs. */
class DirectUpsampleTest {
    private final DirectUpsample kernel = new DirectUpsample();

    private static Tensor arange(int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return Tensor.wrap(s, d);
    }

    @Test
    void nearestByTwoRepeatsEveryPixel() {
        Tensor y = Upsample.apply(kernel, arange(1, 1, 2, 2), UpsampleAttrs.nearest(2));
        assertBits(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3}, y);
    }

    @Test
    void nearestWithAFractionalScaleFollowsTorch() {
        // torch: nn.Upsample(scale_factor=(0.9, 2.2))(arange(48.).reshape(1, 2, 12, 2))[0, 0]
        Tensor y = Upsample.apply(kernel, arange(1, 2, 12, 2), new UpsampleAttrs(null, new ScaleFactor(0.9, 2.2), UpsampleMode.NEAREST, null, false));
        assertEquals(Shape.of(1, 2, 10, 4), y.shape());
        float[] plane0 = new float[40];
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10};
        int[] cols = {0, 0, 0, 1};
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 4; j++) {
                plane0[i * 4 + j] = rows[i] * 2 + cols[j];
            }
        }
        float[] first = new float[40];
        System.arraycopy(y.toArray(), 0, first, 0, 40);
        assertBits(plane0, Tensor.wrap(Shape.of(40), first));
        assertEquals(24f + 20f, y.getFlat(40 + 9 * 4), "the second plane reads its own input");
    }

    @Test
    void bilinearRampMatchesTorch() {
        // torch: nn.Upsample(size=(1, 7), mode='bilinear')(tensor([[[[0., 1., 2., 3., 4.]]]]))
        Tensor x = arange(1, 1, 1, 5);
        Tensor y = Upsample.apply(kernel, x, UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 1, 7));
        float[] torch = {0f, 0.5714285969734192f, 1.2857143878936768f, 2f, 2.7142858505249023f, 3.4285714626312256f, 4f};
        for (int i = 0; i < 7; i++) {
            assertEquals(torch[i], y.getFlat(i), 1e-6f, "column " + i);
        }
        Tensor a = Upsample.apply(kernel, x, UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 1, 7).withAlignCorners(true));
        float[] aligned = {0f, 0.6666666865348816f, 1.3333333730697632f, 2f, 2.6666667461395264f, 3.3333334922790527f, 4f};
        for (int i = 0; i < 7; i++) {
            assertEquals(aligned[i], a.getFlat(i), 1e-6f, "aligned column " + i);
        }
    }

    @Test
    void bilinearPreservesConstantsAndAlignCornersKeepsTheCorners() {
        Random r = new Random(3);
        float[] d = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        Tensor x = Tensor.of(Shape.of(2, 3, 4, 5), d);
        InputsUnchanged before = InputsUnchanged.snapshot(x);
        Tensor y = Upsample.apply(kernel, x, UpsampleAttrs.toSize(UpsampleMode.BILINEAR, 9, 11).withAlignCorners(true));
        for (int p = 0; p < 6; p++) {
            assertEquals(x.getFlat(p * 20), y.getFlat(p * 99), "top left corner of plane " + p);
            assertEquals(x.getFlat(p * 20 + 19), y.getFlat(p * 99 + 98), 1e-6f, "bottom right corner of plane " + p);
        }
        before.assertDataUnchanged("upsample wrote its input");
        Tensor seven = Tensor.full(Shape.of(1, 2, 3, 3), 7f);
        Tensor z = Upsample.apply(kernel, seven, UpsampleAttrs.bilinear(2.5, false));
        for (int i = 0; i < z.size(); i++) {
            assertTrue(Math.abs(z.getFlat(i) - 7f) <= 2 * Math.ulp(7f), "a constant stays constant: " + z.getFlat(i));
        }
    }
}
