package io.opsgi.conformance.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.VectorFormatException;
import io.opsgi.kernel.activation.direct.DirectActivations;
import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.kernel.elementwise.vector.VectorActivations;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.GeometryClass;
import io.opsgi.op.Kernel;
import io.opsgi.kernel.avgpool2d.direct.DirectAvgPool2d;
import io.opsgi.kernel.batchnorm.direct.DirectBatchNorm;
import io.opsgi.kernel.maxpool2d.direct.DirectMaxPool2d;
import io.opsgi.op.Operator;
import io.opsgi.op.Operators;
import io.opsgi.runtime.VerificationReport.Timing;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate's admission checks on plain kernels (the in-framework tests run them on bundles): each
 * catches a kernel written here to misbehave in its one way, and passes the real kernels.
 */
class AdmissionChecksTest {
    private static ReferenceVectors vectors;
    private static final Kernel DIRECT_CONV = new DirectConv2d();
    private static final Kernel DIRECT_ACTIVATIONS = new DirectActivations();

    @BeforeAll
    static void load() throws VectorFormatException {
        vectors = ReferenceVectors.load(Path.of(System.getProperty("opsgi.vectors")));
    }

    @Test
    void aConvThatAccumulatesInOneStaticArrayIsWrongUnderConcurrencyAndTheCaseIsNamed() throws Exception {
        ConcurrencyCheck.Outcome racy = ConcurrencyCheck.run(Map.of("conv2d", vectors.cases("conv2d")), new StaticScratchConv2d(),
                Map.of("conv2d", DIRECT_CONV), 1);
        assertNotNull(racy.failure(), "the racy conv must be caught; calls made: " + racy.calls());
        assertTrue(racy.failure().startsWith("wrong under concurrency: case conv2d_"), racy.failure());
    }

    /** The shortest budget test runs may configure (0: the minimum rounds only) still catches the racy conv. */
    @Test
    void theMinimumRoundsAloneCatchTheRacyConv() throws Exception {
        ConcurrencyCheck.Outcome racy = ConcurrencyCheck.run(Map.of("conv2d", vectors.cases("conv2d")), new StaticScratchConv2d(),
                Map.of("conv2d", DIRECT_CONV), 1, 0);
        assertNotNull(racy.failure(), "the racy conv must be caught in the minimum rounds; calls made: " + racy.calls());
        assertTrue(racy.failure().startsWith("wrong under concurrency: case conv2d_"), racy.failure());
    }

    @Test
    void theRealKernelsAreRightUnderConcurrency() throws Exception {
        ConcurrencyCheck.Outcome direct = ConcurrencyCheck.run(Map.of("conv2d", vectors.cases("conv2d")), DIRECT_CONV, Map.of(), 1);
        assertNull(direct.failure());
        assertTrue(direct.calls() >= ConcurrencyCheck.THREADS * ConcurrencyCheck.MIN_ROUNDS, "calls: " + direct.calls());
        ConcurrencyCheck.Outcome vector = ConcurrencyCheck.run(Map.of("relu", vectors.cases("relu"), "hardswish", vectors.cases("hardswish")),
                new VectorActivations(), Map.of("relu", DIRECT_ACTIVATIONS, "hardswish", DIRECT_ACTIVATIONS), 1);
        assertNull(vector.failure());
    }

    @Test
    void aReluThatHangsAboveAMillionElementsTimesOutOnTheLargeInputAndIsNamed() throws Exception {
        SpeedTrial.Outcome trial = SpeedTrial.run("relu", "hangs", new HangingRelu(), DIRECT_ACTIVATIONS, Map.of(), vectors.cases("relu"), 1);
        assertTrue(trial.hung());
        assertEquals(1, trial.failures().size(), trial.failures().toString());
        String failure = trial.failures().get(0);
        assertTrue(failure.matches("timeout: no answer within \\d+ ms on large input relu_64x112 input=\\[1, 64, 112, 112\\] .*"), failure);
    }

    @Test
    void largeInputsReachTwoToTheTwentyOneElementsForActivations() throws Exception {
        SpeedTrial.Outcome trial = SpeedTrial.run("hardswish", "vector", new VectorActivations(), DIRECT_ACTIVATIONS, Map.of(),
                vectors.cases("hardswish"), 1);
        assertEquals(List.of(), trial.failures());
        assertEquals(1, trial.checked().size(), trial.checked().toString());
        assertTrue(trial.checked().get(0).matches("hardswish_\\w+ x\\d+ \\(all\\)"), trial.checked().toString());
        // A vector kernel that is wrong only above the vectors' sizes is caught there.
        SpeedTrial.Outcome wrong = SpeedTrial.run("relu", "big-wrong", new WrongWhenLargeRelu(), DIRECT_ACTIVATIONS, Map.of(),
                vectors.cases("relu"), 1);
        assertTrue(wrong.failures().stream().anyMatch(f -> f.startsWith("large input relu_64x112")), wrong.failures().toString());
    }

    @Test
    void aSlowReluIsTimedSlowerThanTheKernelsServingInTheSameRun() throws Exception {
        SpeedTrial.Outcome trial = SpeedTrial.run("relu", "slow", new SlowRelu(), DIRECT_ACTIVATIONS,
                Map.of("direct", DIRECT_ACTIVATIONS, "vector", new VectorActivations()), vectors.cases("relu"), 1);
        assertEquals(List.of(), trial.failures());
        long slow = slowest(trial.timings(), "slow"), direct = slowest(trial.timings(), "direct"), vector = slowest(trial.timings(), "vector");
        // The slow relu sleeps 1 ms per 2,048 elements: 392+ ms on the 64x112x112 workload (always timed), whatever the load; the
        // direct relu takes 0.4-0.7 ms there compiled, ~15 ms interpreted, and the vector relu less (best of the rounds).
        assertTrue(slow >= 392_000_000L, trial.timings().toString());
        assertTrue(slow > direct && slow > vector, trial.timings().toString());
        assertTrue(trial.timings().stream().allMatch(t -> t.geometryClass().equals(GeometryClass.ALL)), trial.timings().toString());
    }

    @Test
    void aWorkloadCutToOnePlaneKeepsItsGeometryAndTheReferenceTakesIt() throws Exception {
        Workload bn = Workloads.standard("batch_norm", 1).get(0);
        Workload plane = Workloads.plane(bn);
        assertEquals(Shape.of(1, 1, 112, 112), plane.inputs().get("input").shape());
        assertEquals(Shape.of(1), plane.inputs().get("running_mean").shape());
        assertEquals(bn.attrs(), plane.attrs());
        // The first plane's values, not new ones: the same branches (signs, zeros) as on the workload's first plane.
        assertEquals(bn.inputs().get("input").buffer()[112 * 112 - 1], plane.inputs().get("input").buffer()[112 * 112 - 1]);
        assertEquals(bn.inputs().get("weight").buffer()[0], plane.inputs().get("weight").buffer()[0]);
        Map<String, Kernel> references = Map.of("avg_pool2d", new DirectAvgPool2d(), "max_pool2d", new DirectMaxPool2d(), "batch_norm",
                new DirectBatchNorm(), "relu", DIRECT_ACTIVATIONS);
        references.forEach((op, k) -> {
            Workload w = Workloads.plane(Workloads.standard(op, 1).get(0));
            assertEquals(112 * 112, w.inputElements(), op);
            Tensor y = (Tensor) run(op, k, w).get("output");
            assertEquals(1, y.shape().dim(0) * y.shape().dim(1), op + ": one plane out, " + y.shape());
        });
        // A conv's weights are shaped by its channels: no cut the contract takes (its kernels warm up on the vector cases instead).
        assertThrows(RuntimeException.class, () -> run("conv2d", DIRECT_CONV, Workloads.plane(Workloads.standard("conv2d", 1).get(0))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String op, Kernel k, Workload w) {
        Operator operator = Operators.get(op);
        return operator.run(KernelChain.only((Class<Kernel>) operator.kernelType(), k), w.attrs(), w.inputs());
    }

    @Test
    void convWorkloadsAreTimedPerGeometryClass() throws Exception {
        SpeedTrial.Outcome trial = SpeedTrial.run("conv2d", "direct", DIRECT_CONV, null, Map.of(), vectors.cases("conv2d"), 1);
        assertEquals(List.of(), trial.failures());
        assertEquals(List.of("r18_layer1_64x64_k3_56 (general)", "mbv2_pw1x1_144x24_56 (1x1)", "mbv2_dw3x3_144_56 (depthwise)"), trial.checked());
        assertEquals(3, trial.timings().size(), trial.timings().toString());
    }

    /** The variant's time on its slowest workload (what selection compares per class). */
    private static long slowest(List<Timing> timings, String variant) {
        return timings.stream().filter(t -> t.variant().equals(variant)).mapToLong(Timing::medianNanos).max().orElseThrow();
    }

    /** Right on one thread: computes every output into one array shared by all calls, then copies it out. */
    static final class StaticScratchConv2d implements Conv2dKernel {
        private static final Conv2dKernel DIRECT = new DirectConv2d();
        private static float[] scratch = new float[0];

        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            if (scratch.length < y.length) {
                scratch = new float[y.length];
            }
            DIRECT.conv2d(g, x, w, bias, scratch);
            System.arraycopy(scratch, 0, y, 0, y.length);
        }
    }

    /** Right, but never returns when the input has more than 500,000 elements (and ignores interrupts). */
    static final class HangingRelu implements ElementwiseKernel {
        private static final ElementwiseKernel RIGHT = new DirectActivations();

        @Override
        public void activate(ActivationAttrs a, float[] x, float[] y) {
            while (x.length > 500_000) {
                LockSupport.park();
            }
            RIGHT.activate(a, x, y);
        }
    }

    static final class SlowRelu implements ElementwiseKernel {
        private static final ElementwiseKernel RIGHT = new DirectActivations();

        @Override
        public void activate(ActivationAttrs a, float[] x, float[] y) {
            // One park to a deadline: a floor no load can shorten, lengthened by one wake-up at most (1 ms parks added one per ms).
            long until = System.nanoTime() + x.length * 1_000_000L / 2_048;
            for (long left; (left = until - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left);
            }
            RIGHT.activate(a, x, y);
        }
    }

    static final class WrongWhenLargeRelu implements ElementwiseKernel {
        private static final ElementwiseKernel RIGHT = new DirectActivations();

        @Override
        public void activate(ActivationAttrs a, float[] x, float[] y) {
            RIGHT.activate(a, x, y);
            if (x.length > 100_000) {
                y[x.length - 1] += 1;
            }
        }
    }
}
