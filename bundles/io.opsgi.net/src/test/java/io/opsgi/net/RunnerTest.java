package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner reports what ran each layer, runs kernel-less layers without a kernel, and refuses an input of the wrong shape. */
class RunnerTest {

    @Test
    void reportsTheVariantThatAnsweredEachLayer() throws IOException {
        Network net = Network.plan(NetworkBuilder.network("head", 2, 4, 3, 3).seeded(3)
                .conv2d("conv", 4, 8, 3, "padding", 1).layer("relu", "relu").layer("flat", "flatten").layer("drop", "dropout", "p", 0.3)
                .linear("fc", 72, 5).build());
        Tensor x = Tensor.full(net.inputShape(), 0.5f);
        NetworkRunner.Result ref = new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, Weights.load(net), x);
        assertEquals(List.of("direct", "direct", "-", "-", "direct"), ref.layers().stream().map(NetworkRunner.LayerRun::variant).toList());
        assertNull(ref.layers().get(2).servedBy(), "flatten runs no kernel");
        assertEquals(net.outputShape(), ref.output().shape());
        String table = NetworkSummary.runTable(ref);
        System.out.println(table);
        assertTrue(table.contains("- (no kernel)") && table.contains("direct (io.opsgi.kernel.conv2d.direct"), table);

        NetworkRunner.Result best = new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), x);
        assertTrue(best.layers().stream().allMatch(r -> r.layer().op() == null || r.servedBy().op().equals(r.layer().op())));
        assertEquals("vector", best.layers().get(1).variant(), "the vector relu outranks the reference on this classpath");
    }

    @Test
    void dropoutAndFlattenPassTheDataThrough() throws IOException {
        Network net = Network.plan(NetworkBuilder.network("pass", 1, 2, 2, 2).layer("drop", "dropout").layer("flat", "flatten").build());
        Tensor x = Tensor.of(net.inputShape(), 1, 2, 3, 4, 5, 6, 7, 8);
        NetworkRunner.Result r = new NetworkRunner(ClasspathKernelSource.referenceOnly()).run(net, Weights.load(net), x);
        assertSame(x.buffer(), r.output().buffer(), "no copy, no kernel");
    }

    @Test
    void anInputOfAnotherShapeIsRefused() {
        Network net = Network.plan(NetworkBuilder.network("n", 1, 2, 2, 2).layer("r", "relu").build());
        NetworkException e = assertThrows(NetworkException.class,
                () -> new NetworkRunner(new ClasspathKernelSource()).run(net, Weights.load(net), Tensor.zeros(1, 2, 3, 3)));
        assertEquals("input_shape", e.rule());
    }

    @Test
    void seededWeightsAreDeterministicAndBounded() throws IOException {
        Network net = Network.plan(NetworkBuilder.network("n", 1, 3, 4, 4).seeded(9).conv2d("c", 3, 4, 3).batchNorm("bn", 4).build());
        Tensor w1 = Weights.load(net).get("c", "weight"), w2 = Weights.load(net).get("c", "weight");
        assertEquals(w1, w2);
        double bound = 1 / Math.sqrt(27);
        for (int i = 0; i < w1.size(); i++) {
            assertTrue(Math.abs(w1.getFlat(i)) <= bound, "PyTorch's default bound 1/sqrt(fan_in)");
        }
        assertEquals(io.opsgi.tensor.Shape.of(4), Weights.load(net).get("bn", "running_var").shape());
        assertEquals(1f, Weights.load(net).get("bn", "running_var").getFlat(0));
    }
}
