package io.opsgi.kernel.matmul.direct;

import static io.opsgi.testing.TensorAsserts.assertBits;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.op.Matmul;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.testing.InputsUnchanged;
import org.junit.jupiter.api.Test;

/** matmul through the contract on exact small integers: every rank pair torch.matmul knows. */
class DirectMatmulTest {
    private final DirectMatmul kernel = new DirectMatmul();

    @Test
    void dotProductIsZeroDimensional() {
        Tensor y = Matmul.apply(kernel, Tensor.of(Shape.of(3), 1, 2, 3), Tensor.of(Shape.of(3), 4, 5, 6));
        assertEquals(Shape.of(), y.shape());
        assertBits(new float[] {32}, y);
    }

    @Test
    void matrixProductAndVectorPromotions() {
        Tensor a = Tensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor b = Tensor.of(Shape.of(3, 2), 7, 8, 9, 10, 11, 12);
        InputsUnchanged before = InputsUnchanged.snapshot(a, b);
        assertBits(new float[] {58, 64, 139, 154}, Matmul.apply(kernel, a, b));
        assertBits(new float[] {14, 32}, Matmul.apply(kernel, a, Tensor.of(Shape.of(3), 1, 2, 3))); // (2,3) x (3,) = (2,)
        assertBits(new float[] {9, 12, 15}, Matmul.apply(kernel, Tensor.of(Shape.of(2), 1, 2), a)); // (2,) x (2,3) = (3,)
        before.assertDataUnchanged("matmul wrote an input");
    }

    @Test
    void batchDimensionsBroadcast() {
        // input (2, 1, 1, 2): two row vectors; other (3, 2, 1): three columns; batch (2, 3)
        Tensor rows = Tensor.of(Shape.of(2, 1, 1, 2), 1, 2, 3, 4);
        Tensor columns = Tensor.of(Shape.of(3, 2, 1), 1, 0, 0, 1, 1, 1);
        Tensor y = Matmul.apply(kernel, rows, columns);
        assertEquals(Shape.of(2, 3, 1, 1), y.shape());
        assertBits(new float[] {1, 2, 3, 3, 4, 7}, y);
    }

    @Test
    void anEmptyContractionIsZero() {
        assertBits(new float[] {0, 0, 0, 0}, Matmul.apply(kernel, Tensor.of(Shape.of(2, 0)), Tensor.of(Shape.of(0, 2))));
    }
}
