package io.opsgi.kernel.add.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;

import io.opsgi.op.Add;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import org.junit.jupiter.api.Test;

/** add through the contract: one IEEE float addition per element. */
class DirectAddTest {
    private final DirectAdd kernel = new DirectAdd();

    @Test
    void ieeeAdditionElementByElement() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        Tensor a = Tensor.of(Shape.of(2, 4), 1, -0f, -0f, inf, inf, 0.1f, 16777216f, nan);
        Tensor b = Tensor.of(Shape.of(2, 4), 2, 0f, -0f, -inf, 1, 0.2f, 1, 3);
        InputsUnchanged before = InputsUnchanged.snapshot(a, b);
        // -0 + 0 = +0, -0 + -0 = -0, inf - inf = NaN, 0.1f + 0.2f rounds once, 2^24 + 1 rounds to even
        assertBits(new float[] {3, 0f, -0f, nan, inf, 0.1f + 0.2f, 16777216f, nan}, Add.apply(kernel, a, b));
        before.assertDataUnchanged("add wrote an input");
    }

    @Test
    void aZeroDimensionalTensorIsOneElement() {
        assertBits(new float[] {5}, Add.apply(kernel, Tensor.of(Shape.of(), 2), Tensor.of(Shape.of(), 3)));
    }
}
