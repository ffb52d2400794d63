package io.opsgi.onnx;

import static io.opsgi.onnx.Graphs.attr;
import static io.opsgi.onnx.Graphs.floats;
import static io.opsgi.onnx.Graphs.graph;
import static io.opsgi.onnx.Graphs.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What opset 18 changed in the ops opsgi imports (ONNX's changelog: axes of every Reduce op an input, Split's
 * num_outputs, Pad's axes, Resize's antialias/axes/keep_aspect_ratio_policy, LpPool's ceil_mode/dilations) and the ops it
 * added that opsgi runs (GroupNormalization, Mish), each checked against ONNX's definition written out here. onnx 1.12
 * (Debian's) has no opset-18 node cases, so these graphs are written by hand.
 */
class Opset18Test {
    @TempDir
    Path dir;

    private Tensor run(Graphs g, Tensor x) throws IOException {
        return g.opset(18).run(dir, x);
    }

    private static Tensor random(long seed, int... dims) {
        return Graphs.random(seed, -3, 3, dims);
    }

    @Test
    void reduceAxesAreAnInputAndAnEmptyListWithNoopIsTheIdentity() throws IOException {
        Tensor x = random(1, 2, 3, 4);
        Tensor y = run(graph(2, 3, 4).node("ReduceMean", List.of("x", "axes"), List.of("y"), attr("keepdims", 0L)).init(longs("axes", new long[] {1}, 1)), x);
        assertEquals(Shape.of(2, 4), y.shape());
        for (int n = 0; n < 2; n++) {
            for (int w = 0; w < 4; w++) {
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += x.getFlat((n * 3 + c) * 4 + w);
                }
                assertEquals(sum / 3, y.getFlat(n * 4 + w), 1e-6, "mean over C at " + n + ", " + w);
            }
        }
        Tensor same = run(graph(2, 3, 4).node("ReduceMax", List.of("x", "none"), List.of("y"), attr("noop_with_empty_axes", 1L))
                .init(longs("none", new long[] {0})), x);
        assertEquals(x, same);
        OnnxException e = assertThrows(OnnxException.class,
                () -> OnnxModel.read(graph(2, 3, 4).node("ReduceMin", List.of("x"), List.of("y"), Graphs.ints("axes", 1)).opset(18).write(dir, "a")));
        assertTrue(e.getMessage().contains("axes is an input from opset 18, not an attribute"), e.getMessage());
    }

    @Test
    void splitIntoNumOutputsMakesTheLastPartSmaller() throws IOException {
        Tensor x = random(2, 1, 7, 2);
        Tensor y = run(graph(1, 7, 2).node("Split", List.of("x"), List.of("a", "b", "c"), attr("axis", 1L), attr("num_outputs", 3L))
                .node("Concat", List.of("c", "a", "b"), List.of("y"), attr("axis", 1L)), x);
        int[] from = {6, 0, 1, 2, 3, 4, 5}; // parts [0..3), [3..6), [6..7), joined c, a, b
        for (int i = 0; i < 7; i++) {
            for (int w = 0; w < 2; w++) {
                assertEquals(x.getFlat(from[i] * 2 + w), y.getFlat(i * 2 + w), "row " + i);
            }
        }
    }

    @Test
    void padAxesNameTheAxesThePadsAreFor() throws IOException {
        Tensor x = random(3, 1, 2, 2, 3);
        Tensor y = run(graph(1, 2, 2, 3).node("Pad", List.of("x", "pads", "", "axes"), List.of("y"), attr("mode", "constant"))
                .init(longs("pads", new long[] {2}, 1, 2)).init(longs("axes", new long[] {1}, -1)), x);
        assertEquals(Shape.of(1, 2, 2, 6), y.shape());
        for (int row = 0; row < 4; row++) {
            for (int w = 0; w < 6; w++) {
                float want = w >= 1 && w <= 3 ? x.getFlat(row * 3 + w - 1) : 0f;
                assertEquals(want, y.getFlat(row * 6 + w), "row " + row + ", w " + w);
            }
        }
    }

    @Test
    void groupNormalizationScalesAndShiftsPerGroup() throws IOException {
        Tensor x = random(4, 2, 4, 3);
        float[] scale = {1.5f, 0.5f}, bias = {0.1f, -0.2f};
        Tensor y = run(graph(2, 4, 3).node("GroupNormalization", List.of("x", "s", "b"), List.of("y"), attr("num_groups", 2L), attr("epsilon", 1e-3f))
                .init(floats("s", new long[] {2}, scale)).init(floats("b", new long[] {2}, bias)), x);
        for (int n = 0; n < 2; n++) {
            for (int g = 0; g < 2; g++) {
                int at = (n * 4 + g * 2) * 3; // channels 2g, 2g+1: six values
                double mean = 0, var = 0;
                for (int i = 0; i < 6; i++) {
                    mean += x.getFlat(at + i) / 6.0;
                }
                for (int i = 0; i < 6; i++) {
                    var += Math.pow(x.getFlat(at + i) - mean, 2) / 6.0;
                }
                for (int i = 0; i < 6; i++) {
                    double want = scale[g] * (x.getFlat(at + i) - mean) / Math.sqrt(var + (double) 1e-3f) + bias[g];
                    assertEquals(want, y.getFlat(at + i), 1e-5, "sample " + n + ", group " + g + ", value " + i);
                }
            }
        }
    }

    @Test
    void mishIsXTimesTanhOfSoftplus() throws IOException {
        Tensor x = random(5, 2, 5);
        Tensor y = run(graph(2, 5).node("Mish", List.of("x"), List.of("y")), x);
        for (int i = 0; i < x.size(); i++) {
            double v = x.getFlat(i);
            assertEquals(v * Math.tanh(Math.log1p(Math.exp(v))), y.getFlat(i), 1e-6, "mish(" + v + ")");
        }
    }

    @Test
    void whatOpset18AddedBeyondTheDefaultsIsRefusedInOneLine() throws IOException {
        Graphs g = graph(1, 1, 4, 4)
                .node("Resize", List.of("x", "", "scales"), List.of("a"), attr("antialias", 1L), attr("mode", "linear"))
                .node("LpPool", List.of("x"), List.of("b"), Graphs.ints("kernel_shape", 2, 2), attr("ceil_mode", 1L))
                .node("GroupNormalization", List.of("x", "s", "s"), List.of("c"), attr("num_groups", 2L))
                .node("Concat", List.of("a", "b", "c"), List.of("y"), attr("axis", 1L))
                .init(floats("scales", new long[] {4}, 1, 1, 0.5f, 0.5f))
                .init(floats("s", new long[] {2}, 1, 1))
                .opset(18);
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.read(g.write(dir, "m")));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("antialias=1") && e.problems().get(0).contains("without antialiasing"), e.getMessage());
        assertTrue(e.problems().get(1).contains("ceil_mode=1") && e.problems().get(1).contains("neither"), e.getMessage());
        assertTrue(e.problems().get(2).contains("num_groups=2 does not divide the 1 channels"), e.getMessage());
    }
}
