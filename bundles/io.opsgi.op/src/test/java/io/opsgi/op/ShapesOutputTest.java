package io.opsgi.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link Shapes#output}'s rule: at most 2^30 elements, each dimension below 2^31-1. Its count runs in long,
 * saturated once past the limit, so the cases are the ones saturation could get wrong: the limit passed
 * before the last dimension (then times 1), a zero next to a huge dimension, and exactly at the limit.
 */
class ShapesOutputTest {
    @Test
    void theLimitPassedBeforeTheLastDimensionStaysPassed() {
        OpException e = assertThrows(OpException.class, () -> Shapes.output("t", 1 << 16, 1 << 16, 1, 1));
        assertEquals("output_too_large", e.rule());
        assertTrue(e.getMessage().contains("= 4294967296 elements"), e.getMessage());
        assertEquals("output_too_large", assertThrows(OpException.class, () -> Shapes.output("t", 1 << 15, 1 << 15, 2)).rule());
        assertEquals("output_too_large", assertThrows(OpException.class, () -> Shapes.output("t", 1 << 20, 1 << 20, 1 << 20, 3)).rule());
    }

    @Test
    void aZeroDoesNotMakeAHugeDimensionFit() {
        assertEquals("output_too_large", assertThrows(OpException.class, () -> Shapes.output("t", 0, 1L << 40)).rule());
    }

    @Test
    void exactlyTheLimitFits() {
        assertEquals(Shape.of(1 << 15, 1 << 15), Shapes.output("t", 1 << 15, 1 << 15));
        assertEquals("output_too_large", assertThrows(OpException.class, () -> Shapes.output("t", (1L << 30) + 1)).rule());
    }
}
