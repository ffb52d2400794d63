package io.opsgi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {

    private static Tensor iota(int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return Tensor.of(s, d);
    }

    @Test
    void of_copies_its_data() {
        float[] data = {1, 2, 3};
        Tensor t = Tensor.of(Shape.of(3), data);
        data[0] = 9;
        assertEquals(1f, t.getFlat(0));
    }

    @Test
    void to_array_returns_a_copy() {
        Tensor t = Tensor.of(Shape.of(3), 1, 2, 3);
        t.toArray()[0] = 9;
        assertArrayEquals(new float[] {1, 2, 3}, t.toArray());
    }

    @Test
    void wrap_takes_ownership_without_copying() {
        float[] data = {1, 2};
        Tensor t = Tensor.wrap(Shape.of(2), data);
        assertSame(data, t.buffer());
    }

    @Test
    void data_must_match_the_shape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(Shape.of(2, 2), 1, 2, 3));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(Shape.of(2), new float[3]));
        assertThrows(NullPointerException.class, () -> Tensor.of(null, 1f));
    }

    @Test
    void factories() {
        Tensor z = Tensor.zeros(2, 3);
        assertEquals(Shape.of(2, 3), z.shape());
        assertArrayEquals(new float[6], z.toArray());
        assertArrayEquals(new float[] {0.5f, 0.5f}, Tensor.full(Shape.of(2), 0.5f).toArray());
        assertEquals(0, Tensor.zeros(0, 3).size());
        assertEquals(1, Tensor.zeros().size(), "a scalar");
    }

    @Test
    void get_is_row_major() {
        Tensor t = iota(2, 3, 4);
        assertEquals(3, t.rank());
        assertEquals(4, t.dim(-1));
        assertEquals(24, t.size());
        assertEquals(23f, t.get(1, 2, 3));
        assertEquals(14f, t.get(1, 0, 2)); // 1*12 + 0*4 + 2
        assertEquals(7f, t.get(0, 1, 3));  // 0*12 + 1*4 + 3
    }

    @Test
    void get_checks_the_index() {
        Tensor t = iota(2, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, 3), "no silent wrap into the next row");
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, -1));
        assertThrows(IllegalArgumentException.class, () -> t.get(1));
    }

    @Test
    void reshape_views_the_same_data() {
        Tensor t = iota(2, 3);
        Tensor r = t.reshape(3, 2);
        assertEquals(Shape.of(3, 2), r.shape());
        assertEquals(Shape.of(2, 3), t.shape(), "the original keeps its shape");
        assertEquals(3f, r.get(1, 1)); // flat index 3
        assertArrayEquals(t.toArray(), r.toArray());
        assertEquals(Shape.of(6), t.reshape(Shape.of(6)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
    }

    @Test
    void equality_is_bitwise() {
        assertEquals(iota(2, 3), iota(2, 3));
        assertEquals(iota(2, 3).hashCode(), iota(2, 3).hashCode());
        assertNotEquals(iota(2, 3), iota(3, 2), "same data, other shape");
        assertEquals(Tensor.of(Shape.of(1), Float.NaN), Tensor.of(Shape.of(1), Float.NaN), "NaN equals the same NaN");
        assertNotEquals(Tensor.of(Shape.of(1), 0f), Tensor.of(Shape.of(1), -0f), "0.0 and -0.0 differ bitwise");
        assertNotEquals(Tensor.of(Shape.of(1), Float.NaN), Tensor.of(Shape.of(1), Float.intBitsToFloat(0x7fc00001)),
                "NaNs with other payloads differ");
        assertNotEquals(iota(2), Tensor.of(Shape.of(2), 0, 2));
    }

    @Test
    void to_string_shows_shape_and_leading_values() {
        assertEquals("Tensor[2] [1.0, 2.0]", Tensor.of(Shape.of(2), 1, 2).toString());
        assertEquals("Tensor[10] [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, ...]", iota(10).toString());
    }

    @Test
    void index_tensor_is_immutable_too() {
        long[] data = {1, 2, 3, 4};
        IndexTensor t = IndexTensor.of(Shape.of(2, 2), data);
        data[0] = 9;
        t.toArray()[1] = 9;
        assertArrayEquals(new long[] {1, 2, 3, 4}, t.toArray());
        assertEquals(4L, t.getFlat(3));
        assertEquals(Shape.of(4), t.reshape(Shape.of(4)).shape());
        assertEquals(IndexTensor.of(Shape.of(2, 2), 1, 2, 3, 4), t);
        assertEquals(IndexTensor.of(Shape.of(2, 2), 1, 2, 3, 4).hashCode(), t.hashCode());
        assertNotEquals(IndexTensor.of(Shape.of(4), 1, 2, 3, 4), t);
        assertThrows(IllegalArgumentException.class, () -> IndexTensor.of(Shape.of(3), 1, 2));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(5)));
    }
}
