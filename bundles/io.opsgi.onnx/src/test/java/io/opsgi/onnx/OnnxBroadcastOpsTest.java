package io.opsgi.onnx;

import static io.opsgi.onnx.Graphs.attr;
import static io.opsgi.onnx.Graphs.floats;
import static io.opsgi.onnx.Graphs.graph;
import static io.opsgi.onnx.Graphs.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PRelu, Pow, Expand, Tile, Gather and Slice with the forms onnx's node cases do not reach, imported, run on the test classpath's
 * kernels and checked against ONNX's formula written out here element by element.
 */
class OnnxBroadcastOpsTest {
    @TempDir
    Path dir;

    private Tensor run(Graphs g, Tensor x) throws IOException {
        return g.run(dir, x);
    }

    /** A slope [3, 1, 5] on x [3, 4, 5]: expanded along the middle dimension inside its span; bit-exact (one multiply or a copy). */
    @Test
    void preluSlopeWithASizeOneDimensionInsideItsSpan() throws IOException {
        Tensor slope = Graphs.random(1, -2, 2, 3, 1, 5), x = Graphs.random(2, -3, 3, 3, 4, 5);
        Tensor y = run(graph(3, 4, 5).node("PRelu", List.of("x", "s"), List.of("y")).init(floats("s", new long[] {3, 1, 5}, slope.buffer())), x);
        assertEquals(x.shape(), y.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 5; k++) {
                    float v = x.getFlat((i * 4 + j) * 5 + k), want = v < 0 ? slope.getFlat(i * 5 + k) * v : v; // ONNX: where(x < 0, slope * x, x)
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y.getFlat((i * 4 + j) * 5 + k)), "y[" + i + ", " + j + ", " + k + "]");
                }
            }
        }
    }

    /** An exponent computed from the data (x ** x, x in (0.1, 3)): within 1 ulp of the rounded power (Java's Math.pow agrees with C's away from |x| = 1). */
    @Test
    void powWithAnExponentFromTheData() throws IOException {
        Tensor x = Graphs.random(3, 0.1, 3, 2, 3, 4);
        Tensor y = run(graph(2, 3, 4).node("Pow", List.of("x", "x"), List.of("y")), x);
        for (int i = 0; i < x.size(); i++) {
            float v = x.getFlat(i), want = (float) Math.pow(v, v);
            assertTrue(Math.abs(y.getFlat(i) - want) <= Math.ulp(want), "x ** x at " + v + ": " + y.getFlat(i) + ", want " + want);
        }
    }

    /**
     * Expand of a constant folds at import (shape arithmetic), Expand of data broadcasts it, and Tile repeats it: x [2, 1, 3]
     * expanded to [2, 4, 3], plus a constant [3] expanded to [4, 3], tiled [1, 1, 2]. Bit-exact: copies and one add.
     */
    @Test
    void expandOfDataAndOfAConstantAndTile() throws IOException {
        Tensor x = Graphs.random(4, -3, 3, 2, 1, 3);
        Tensor y = run(graph(2, 1, 3)
                .node("Expand", List.of("x", "to3"), List.of("a"))
                .node("Expand", List.of("c", "to2"), List.of("b"))
                .node("Add", List.of("a", "b"), List.of("s"))
                .node("Tile", List.of("s", "reps"), List.of("y"))
                .init(longs("to3", new long[] {3}, 2, 4, 3))
                .init(longs("to2", new long[] {2}, 4, 1))
                .init(floats("c", new long[] {3}, 10, 20, 30))
                .init(longs("reps", new long[] {3}, 1, 1, 2)), x);
        assertEquals(Shape.of(2, 4, 6), y.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 6; k++) {
                    float want = x.getFlat(i * 3 + k % 3) + 10 * (k % 3 + 1);
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y.getFlat((i * 4 + j) * 6 + k)), "y[" + i + ", " + j + ", " + k + "]");
                }
            }
        }
    }

    /**
     * Gather and Slice of data beyond crops: channels [2, 0, 0, 3] of x [2, 4, 3, 5] (a concat of runs), then every
     * second row from 1 and the columns reversed (x[:, :, 1::2, ::-1]); bit-exact copies checked element by element.
     */
    @Test
    void gatherOfAnyIndicesAndSlicesWithStepsOfData() throws IOException {
        Tensor x = Graphs.random(5, -3, 3, 2, 4, 3, 5);
        Tensor y = run(graph(2, 4, 3, 5)
                .node("Gather", List.of("x", "picks"), List.of("g"), attr("axis", 1L))
                .node("Slice", List.of("g", "starts", "ends", "axes", "steps"), List.of("y"))
                .init(longs("picks", new long[] {4}, 2, 0, 0, -1))
                .init(longs("starts", new long[] {2}, 1, -1))
                .init(longs("ends", new long[] {2}, 3, Long.MIN_VALUE))
                .init(longs("axes", new long[] {2}, 2, 3))
                .init(longs("steps", new long[] {2}, 2, -1)), x);
        assertEquals(Shape.of(2, 4, 1, 5), y.shape());
        int[] picks = {2, 0, 0, 3};
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 4; c++) {
                for (int w = 0; w < 5; w++) {
                    float want = x.getFlat(((n * 4 + picks[c]) * 3 + 1) * 5 + (4 - w));
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y.getFlat((n * 4 + c) * 5 + w)), "y[" + n + ", " + c + ", 0, " + w + "]");
                }
            }
        }
    }
}
