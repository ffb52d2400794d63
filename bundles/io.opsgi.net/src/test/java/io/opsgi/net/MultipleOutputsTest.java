package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A network with several outputs, some of them intermediate values that later layers also read: every plan (fused
 * with kept layouts, fused NCHW, unfused) gives every output as the layer-by-layer runner does. An output is never
 * fused into the step after it (it would not be written), never placed in a buffer a later step reuses (it would be
 * overwritten), never left channel-blocked (the caller reads NCHW); the input as an output is a copy.
 */
class MultipleOutputsTest {
    private static final ClasspathKernelSource KERNELS = new ClasspathKernelSource();
    /**
     * c1 (pre-batch-norm), a4 (pre-relu) and r2 (read by c3 and the downsample) are read by later layers; c1 and a4
     * would be fused away were they not outputs, c1's 16x20x20 buffer would be reused by c2's group, and in the kept
     * plan r2 and a4 would stay blocked.
     */
    static final List<String> OUTPUTS = List.of("pool", "c1", "r2", "a4", "input");

    static Network net() {
        NetworkDescription d = KeptLayoutsTest.resnetLike().description();
        return Network.plan(new NetworkDescription(d.name(), d.inputShape(), d.weights(), d.layers(), OUTPUTS));
    }

    @Test
    void everyPlanGivesEveryOutputAsTheLayerByLayerRunner() throws Exception {
        Network net = net();
        Weights weights = Weights.load(net);
        Tensor x = KeptLayoutsTest.input(net);
        NetworkRunner.Result reference = new NetworkRunner(KERNELS).run(net, weights, x);
        assertEquals(OUTPUTS.size(), reference.outputs().size());
        for (int i = 0; i < OUTPUTS.size(); i++) {
            assertEquals(net.outputShapes().get(i), reference.outputs().get(i).shape(), OUTPUTS.get(i));
        }
        assertArrayEquals(x.toArray(), reference.outputs().get(4).toArray(), "the input as an output");
        assertNotSame(x.buffer(), reference.outputs().get(4).buffer(), "the input as an output is a copy");

        ExecutionPlan kept = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        NetworkRunner.Result first = kept.run(KERNELS, x);
        for (ExecutionPlan.Options o : List.of(ExecutionPlan.Options.UNFUSED, ExecutionPlan.Options.FUSED_NCHW, ExecutionPlan.Options.FUSED)) {
            ExecutionPlan plan = ExecutionPlan.of(net, weights, o);
            NetworkRunner.Result r = plan.run(KERNELS, x);
            assertMatches(net, reference, r, o + " vs the layer-by-layer runner");
            NetworkRunner.Result again = plan.run(KERNELS, x); // buffers reused: the first run's outputs stay the caller's
            assertMatches(net, r, again, o + ", a second run");
            for (int i = 0; i < OUTPUTS.size(); i++) {
                assertNotSame(r.outputs().get(i).buffer(), again.outputs().get(i).buffer(), o + ": each run's " + OUTPUTS.get(i) + " is its own");
            }
        }
        assertMatches(net, reference, first, "the kept plan's first run, after other runs");
        assertTrue(kept.keptValues().stream().noneMatch(v -> v.endsWith(" + a4 (residual down)") || v.endsWith("+ r2")),
                "an output left blocked: " + kept.keptValues());
    }

    @Test
    void anOutputEndsItsGroupAndHasAnArrayOfItsOwn() {
        ExecutionPlan plan = ExecutionPlan.of(net(), null, ExecutionPlan.Options.FUSED);
        assertEquals(List.of(List.of("c0", "r0"), List.of("c1"), List.of("b1"), List.of("r1"), List.of("c2", "a2", "r2"), List.of("c3", "r3"),
                List.of("down"), List.of("c4", "a4"), List.of("r4"), List.of("c5", "a5", "r5"), List.of("pool")), plan.stepLayers());
        Map<String, Integer> slots = plan.slotsByStep();
        for (String o : List.of("c1", "c2", "c4")) { // the steps whose last layer is an output (c2's group ends in r2, c4's in a4)
            assertEquals(-1, slots.get(o), o + "'s step writes an output: " + slots);
        }
    }

    @Test
    void theOutputsArePlannedNamedAndWritten() {
        Network net = net();
        assertEquals(OUTPUTS, net.outputs());
        assertEquals("pool", net.output(), "the first output, for one-output callers");
        assertEquals(List.of(Shape.of(1, 32, 5, 5), Shape.of(1, 16, 20, 20), Shape.of(1, 16, 20, 20), Shape.of(1, 32, 10, 10), Shape.of(1, 3, 20, 20)),
                net.outputShapes());
        String summary = NetworkSummary.table(net);
        assertTrue(summary.contains("outputs 'pool' [1, 32, 5, 5], 'c1' [1, 16, 20, 20], 'r2' [1, 16, 20, 20], 'a4' [1, 32, 10, 10], 'input' [1, 3, 20, 20]"),
                summary);
        NetworkDescription d = net.description();
        NetworkDescription back = NetworkJson.parse(NetworkJson.write(d, null), Path.of("."));
        assertEquals(OUTPUTS, back.outputs(), "JSON keeps the outputs in order");
        assertEquals(List.of("fc"), NetworkJson.parse("{\"name\": \"n\", \"input\": [1, 2], \"weights\": {\"seed\": 1}, \"output\": \"fc\", "
                + "\"layers\": [{\"name\": \"fc\", \"type\": \"linear\", \"in_features\": 2, \"out_features\": 3}]}", Path.of(".")).outputs());
    }

    /** An output's tolerance sums the layers it is computed from: c1 alone is one 3x3 conv over 16 channels; pool sees every layer. */
    @Test
    void anOutputsDepthIsThatOfTheLayersItIsComputedFrom() {
        Network net = net();
        assertEquals(0, NetworkTolerance.depth(net, "input"), "the input is a copy, bit for bit");
        assertEquals(NetworkTolerance.depth(Network.plan(NetworkBuilder.network("c", 1, 16, 20, 20).conv2d("c1", 16, 16, 3, "padding", 1).build())),
                NetworkTolerance.depth(net, "c1") - NetworkTolerance.depth(net, "c0"), 1e-12, "c1 adds its own conv's term to c0's");
        assertEquals(Math.sqrt(3 * 9), NetworkTolerance.depth(net, "c0"), 1e-12, "c0: a sum of 3*3*3 products");
        assertEquals(NetworkTolerance.depth(net), NetworkTolerance.depth(net, "pool"), 1e-12, "every layer reaches the pool");
        assertTrue(NetworkTolerance.depth(net, "a4") < NetworkTolerance.depth(net, "pool"));
    }

    @Test
    void aRepeatedOrUnknownOutputIsRefusedInOneLine() {
        NetworkDescription d = KeptLayoutsTest.resnetLike().description();
        NetworkException twice = assertThrows(NetworkException.class,
                () -> Network.plan(new NetworkDescription(d.name(), d.inputShape(), d.weights(), d.layers(), List.of("c1", "pool", "c1"))));
        assertEquals("duplicate_output", twice.rule());
        assertTrue(twice.getMessage().contains("the output 'c1' is listed twice in outputs [c1, pool, c1]"), twice.getMessage());
        NetworkException unknown = assertThrows(NetworkException.class,
                () -> Network.plan(new NetworkDescription(d.name(), d.inputShape(), d.weights(), d.layers(), List.of("pool", "fc"))));
        assertEquals("unknown_input", unknown.rule());
        NetworkException both = assertThrows(NetworkException.class, () -> NetworkJson.parse("{\"name\": \"n\", \"input\": [1, 2], \"weights\": "
                + "{\"seed\": 1}, \"output\": \"fc\", \"outputs\": [\"fc\"], \"layers\": []}", Path.of(".")));
        assertTrue(both.getMessage().contains("give 'output' (one layer name) or 'outputs' (a list of them), not both"), both.getMessage());
    }

    /** Each output within the tolerance of the layers it is computed from, around the reference's output. */
    private static void assertMatches(Network net, NetworkRunner.Result want, NetworkRunner.Result got, String what) {
        assertEquals(want.outputs().size(), got.outputs().size(), what);
        for (int i = 0; i < want.outputs().size(); i++) {
            Tensor w = want.outputs().get(i);
            TensorComparison cmp = TensorComparison.compare(net.outputs().get(i), w, got.outputs().get(i), NetworkTolerance.of(net, net.outputs().get(i), w));
            int at = i;
            assertTrue(cmp.passed(), () -> what + ", output '" + net.outputs().get(at) + "': " + cmp.problem());
        }
    }
}
