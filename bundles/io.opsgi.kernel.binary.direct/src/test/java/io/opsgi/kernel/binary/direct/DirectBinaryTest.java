package io.opsgi.kernel.binary.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;

import io.opsgi.op.Add;
import io.opsgi.op.Binary;
import io.opsgi.op.BinaryOp;
import io.opsgi.op.Pow;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import org.junit.jupiter.api.Test;

/** add, sub, mul, div, pow through the contract: one IEEE float operation per element, broadcast as torch does. */
class DirectBinaryTest {
    private final DirectBinary kernel = new DirectBinary();

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

    @Test
    void perChannelBroadcastKeepsTheOperandOrder() {
        Tensor x = Tensor.of(Shape.of(1, 2, 1, 2), 10, 20, 30, 40);
        Tensor c = Tensor.of(Shape.of(2, 1, 1), 1, 2);
        assertBits(new float[] {9, 19, 28, 38}, Binary.apply(kernel, BinaryOp.SUB, x, c));
        assertBits(new float[] {-9, -19, -28, -38}, Binary.apply(kernel, BinaryOp.SUB, c, x));
        assertBits(new float[] {10, 20, 15, 20}, Binary.apply(kernel, BinaryOp.DIV, x, c));
        assertBits(new float[] {0.1f, 0.05f, 2f / 30f, 0.05f}, Binary.apply(kernel, BinaryOp.DIV, c, x));
        assertBits(new float[] {10, 20, 60, 80}, Binary.apply(kernel, BinaryOp.MUL, c, x));
    }

    @Test
    void bothOperandsBroadcastIntoAnOuterProductShape() {
        Tensor column = Tensor.of(Shape.of(3, 1), 1, 2, 3);
        Tensor row = Tensor.of(Shape.of(2), 10, 20);
        assertBits(new float[] {11, 21, 12, 22, 13, 23}, Binary.apply(kernel, BinaryOp.ADD, column, row));
    }

    @Test
    void divisionIsTrueDivisionNotAReciprocalProduct() {
        // one rounded quotient per element; x / 0 follows IEEE (-inf, NaN)
        Tensor x = Tensor.of(Shape.of(4), 3, 1, -1, 0);
        assertBits(new float[] {1, 1f / 3f, Float.NEGATIVE_INFINITY, Float.NaN}, Binary.apply(kernel, BinaryOp.DIV, x, Tensor.of(Shape.of(4), 3, 3, 0, 0)));
    }

    @Test
    void powBroadcastsTheExponentAlongTheLastAxis() {
        // onnx's pow_bcast_array: x [[1, 2, 3], [4, 5, 6]] ** y [1, 2, 3] = [[1, 4, 27], [4, 25, 216]]
        Tensor x = Tensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor y = Tensor.of(Shape.of(3), 1, 2, 3);
        assertBits(new float[] {1, 4, 27, 4, 25, 216}, Pow.apply(kernel, x, y));
        // operand order: 1 ** x, 2 ** x, 3 ** x
        assertBits(new float[] {1, 4, 27, 1, 32, 729}, Pow.apply(kernel, y, x));
    }

    @Test
    void powFollowsCNotJavaWhereTheyDiffer() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        Tensor base = Tensor.of(Shape.of(5), 1, 1, -1, -1, -8);
        Tensor exponent = Tensor.of(Shape.of(5), nan, -inf, inf, 0.5f, 1f / 3f);
        // torch 1.13: 1 ** NaN = 1, 1 ** -inf = 1, (-1) ** inf = 1; a negative base to a fractional power is NaN
        assertBits(new float[] {1, 1, 1, nan, nan}, Pow.apply(kernel, base, exponent));
    }
}
