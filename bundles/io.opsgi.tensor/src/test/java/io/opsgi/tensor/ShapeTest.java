package io.opsgi.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void basics() {
        Shape s = Shape.of(2, 3, 4, 5);
        assertEquals(4, s.rank());
        assertEquals(120, s.size());
        assertEquals(3, s.dim(1));
        assertEquals(5, s.dim(-1), "negative axes count from the end");
        assertEquals(2, s.dim(-4));
        assertEquals("[2, 3, 4, 5]", s.toString(), "printed as PyTorch prints sizes");
    }

    @Test
    void scalar_and_empty_shapes() {
        assertEquals(0, Shape.of().rank());
        assertEquals(1, Shape.of().size(), "a scalar holds one element");
        assertEquals("[]", Shape.of().toString());
        assertEquals(0, Shape.of(0, 3).size());
    }

    @Test
    void of_copies_its_argument_and_to_array_returns_a_copy() {
        int[] dims = {2, 3};
        Shape s = Shape.of(dims);
        dims[0] = 9;
        assertEquals(2, s.dim(0));
        s.toArray()[1] = 9;
        assertArrayEquals(new int[] {2, 3}, s.toArray());
    }

    @Test
    void prepend_and_drop_first() {
        assertEquals(Shape.of(1, 3, 5, 5), Shape.of(3, 5, 5).prepend(1));
        assertEquals(Shape.of(3, 5, 5), Shape.of(1, 3, 5, 5).dropFirst());
        Shape s = Shape.of(3, 5);
        s.prepend(1);
        assertEquals(Shape.of(3, 5), s, "immutable");
    }

    @Test
    void equality_is_by_dimensions() {
        assertEquals(Shape.of(2, 3), Shape.of(2, 3));
        assertEquals(Shape.of(2, 3).hashCode(), Shape.of(2, 3).hashCode());
        assertNotEquals(Shape.of(2, 3), Shape.of(3, 2));
        assertNotEquals(Shape.of(6), Shape.of(2, 3));
        assertNotEquals(Shape.of(1, 6), Shape.of(6));
    }

    @Test
    void refuses_negative_dimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
        assertTrue(e.getMessage().contains("non-negative") && e.getMessage().contains("[2, -1]"), e.getMessage());
    }

    @Test
    void refuses_rank_above_8() {
        assertEquals(8, Shape.of(1, 1, 1, 1, 1, 1, 1, 1).rank());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(1, 1, 1, 1, 1, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("rank") && e.getMessage().contains("9"), e.getMessage());
    }

    @Test
    void refuses_more_than_2_to_the_30_elements() {
        assertEquals(1 << 30, Shape.of(1 << 15, 1 << 15).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(1 << 15, 1 << 15, 2));
        assertTrue(e.getMessage().contains("at most " + (1L << 30)), e.getMessage());
        // Would overflow int arithmetic if it were not caught: 65536^2 = 2^32.
        assertThrows(IllegalArgumentException.class, () -> Shape.of(65536, 65536));
    }
}
