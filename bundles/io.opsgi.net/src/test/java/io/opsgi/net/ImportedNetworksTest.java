package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an importer (ONNX) needs of the network model: weights in memory, constant layers,
 * variadic concat, reshape and permute, and planning one layer at a time.
 */
class ImportedNetworksTest {
    private static LayerSpec layer(String name, String type, List<String> inputs, Map<String, Object> attrs) {
        return new LayerSpec(name, type, inputs, attrs);
    }

    @Test
    void constantsConcatReshapePermuteAndWeightsInMemory() throws IOException {
        Tensor c = Tensor.of(Shape.of(1, 1, 2), 10, 20);
        List<LayerSpec> layers = List.of(
                layer("k", "constant", List.of(), Map.of("shape", List.of(1, 1, 2))),
                layer("cat", "concat", List.of("input", "k", "input"), Map.of("dim", 1)),
                layer("flat", "reshape", List.of("cat"), Map.of("shape", List.of(-1, 2))),
                layer("t", "permute", List.of("flat"), Map.of("dims", List.of(1, 0))));
        NetworkDescription d = new NetworkDescription("imported", Shape.of(1, 1, 2), new WeightSource.InMemory(Map.of("k", Map.of("value", c))), layers, List.of());
        Network net = Network.plan(d);
        assertEquals(Shape.of(2, 3), net.outputShape());
        assertEquals(2, net.buffers(), "a constant is a buffer, not a trained parameter");
        Tensor y = new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, Weights.load(net), Tensor.of(Shape.of(1, 1, 2), 1, 2)).output();
        // cat([[1,2]], [[10,20]], [[1,2]]) along dim 1 -> (1,3,2) -> (3,2) -> transposed (2,3)
        assertArrayEquals(new float[] {1, 10, 1, 2, 20, 2}, y.toArray());
        assertNull(new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, Weights.load(net), Tensor.zeros(1, 1, 2)).layers().get(1).servedBy(),
                "concat runs no kernel");
        assertTrue(NetworkSummary.table(net).contains("weights in memory"));
    }

    @Test
    void aTensorInMemoryOfTheWrongShapeOrMissingIsRefusedByThePlan() {
        List<LayerSpec> layers = List.of(layer("fc", "linear", null, Map.of("in_features", 2, "out_features", 3, "bias", false)));
        NetworkException wrong = assertThrows(NetworkException.class, () -> Network.plan(new NetworkDescription("n", Shape.of(1, 2),
                new WeightSource.InMemory(Map.of("fc", Map.of("weight", Tensor.zeros(2, 3)))), layers, List.of())));
        assertEquals("weight_shape", wrong.rule());
        NetworkException missing = assertThrows(NetworkException.class, () -> Network.plan(new NetworkDescription("n", Shape.of(1, 2),
                new WeightSource.InMemory(Map.of()), layers, List.of())));
        assertEquals("missing_weight", missing.rule());
    }

    @Test
    void concatNeedsAnInputAndAConstantNone() {
        NetworkException none = assertThrows(NetworkException.class, () -> Network.plan(new NetworkDescription("n", Shape.of(1, 2),
                new WeightSource.Seeded(0), List.of(layer("cat", "concat", List.of(), Map.of("dim", 0))), List.of())));
        assertEquals("input_count", none.rule());
        assertTrue(none.getMessage().contains("one or more inputs"), none.getMessage());
        NetworkException reads = assertThrows(NetworkException.class, () -> Network.plan(new NetworkDescription("n", Shape.of(1, 2),
                new WeightSource.Seeded(0), List.of(layer("k", "constant", List.of("input"), Map.of("shape", List.of(2)))), List.of())));
        assertEquals("input_count", reads.rule());
    }

    @Test
    void thePlannerPlansOneLayerAtATimeAndKeepsNoRefusedLayer() {
        Network.Planner p = new Network.Planner(Shape.of(1, 3, 8, 8));
        assertEquals(Shape.of(1, 3, 4, 4), p.add(layer("pool", "max_pool2d", List.of("input"), Map.of("kernel_size", 2))));
        NetworkException later = assertThrows(NetworkException.class, () -> p.add(layer("a", "relu", List.of("b"), Map.of())));
        assertEquals("unknown_input", later.rule(), "a layer reads only layers added before it");
        assertThrows(NetworkException.class, () -> p.add(layer("bad", "reshape", List.of("pool"), Map.of("shape", List.of(5, -1)))));
        assertNull(p.shape("bad"), "a refused layer is not kept");
        assertEquals(Shape.of(1, 48), p.add(layer("bad", "reshape", List.of("pool"), Map.of("shape", List.of(1, -1)))));
        assertEquals(Shape.of(1, 48), p.shape("bad"));
    }

    @Test
    void jsonCannotHoldWeightsInMemory() {
        NetworkDescription d = new NetworkDescription("n", Shape.of(1, 2), new WeightSource.InMemory(Map.of()),
                List.of(layer("r", "relu", null, Map.of())), List.of());
        assertThrows(IllegalArgumentException.class, () -> NetworkJson.write(d, null));
    }
}
