package io.opsgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Java fill() against values printed by its Python twin (peers/torch_peer.py, numpy): the two harnesses must feed identical bits. */
class DataInitTest {
    private static void assertBits(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void inputSeedOneMatchesPython() {
        float[] v = DataInit.fill(3, 1, 2.0, 0);
        assertBits(-0x1.fffcc6p-1f, v[0], "i=0");
        assertBits(0x1.e38482p-3f, v[1], "i=1");
        assertBits(-0x1.0e40f8p-1f, v[2], "i=2");
    }

    @Test
    void largeIndicesDoNotOverflow() {
        // layer1 at batch 8 has 1,605,632 input elements: i * 2654435761 needs 64-bit arithmetic.
        float[] v = DataInit.fill(1605632, 2, 2.0 / Math.sqrt(576), 0);
        assertBits(-0x1.555188p-5f, v[0], "i=0");
        assertBits(0x1.8f790ep-8f, v[802816], "i=802816");
        assertBits(0x1.34687ep-9f, v[1605631], "i=1605631");
    }

    @Test
    void offsetIsAddedBeforeTheRoundingToFloat() {
        float[] v = DataInit.fill(64, 5, 0.5, 1.0);
        assertBits(0x1.800348p-1f, v[0], "i=0");
        assertBits(0x1.23793ep+0f, v[32], "i=32");
        assertBits(0x1.37d51cp+0f, v[63], "i=63");
    }
}
