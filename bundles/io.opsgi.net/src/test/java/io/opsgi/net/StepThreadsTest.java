package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.opsgi.net.ExecutionPlan.Options;
import io.opsgi.net.ExecutionPlan.ThreadChoice;
import io.opsgi.net.Fusion.BatchNormFold;
import io.opsgi.net.StepThreads.Mode;
import io.opsgi.net.StepThreads.Tuning;
import io.opsgi.op.IntraOp;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The plan's per-step choice of threads ({@link StepThreads}): measured and recorded per step, shown in the plan's
 * tables, switched off by {@link ThreadChoice#FLOPS}, measured again for another thread count, and without effect on
 * the output: every example gives the same bits with every step on one thread and with every step on two.
 */
class StepThreadsTest {
    private static final ClasspathKernelSource KERNELS = new ClasspathKernelSource();
    /** No warm-up, three timings per mode: a decision after seven runs. */
    private static final Tuning QUICK = new Tuning(0, 1, 0, 3, 0.05);
    private final int before = IntraOp.threads();

    @AfterEach
    void restore() {
        IntraOp.setThreads(before);
    }

    @Test
    void everyStepsChoiceIsMeasuredAndRecorded() throws Exception {
        IntraOp.setThreads(2);
        Example e = example("resnet_bottleneck_block");
        ExecutionPlan plan = ExecutionPlan.of(e.net, e.weights, Options.FUSED.withThreads(ThreadChoice.MEASURED), BatchNormFold.EXACT, QUICK);
        assertTrue(plan.describe().contains("measured at warm-up"), plan.describe());
        plan.run(KERNELS, e.x); // the warm-up run (flop rule)
        plan.threadChoices().forEach(c -> assertNull(c, "chosen before anything was measured"));
        for (int r = 0; r < 2 * QUICK.samples(); r++) {
            plan.run(KERNELS, e.x);
        }
        List<Mode> chosen = plan.threadChoices();
        chosen.forEach(c -> assertTrue(c == Mode.ONE || c == Mode.ALL, "every step chose 1 or all threads: " + chosen));
        String table = plan.describe();
        assertTrue(table.contains("threads: per step, measured") && table.contains("every step chosen after run 7"), table);
        assertEquals(chosen.size(), table.lines().filter(l -> l.matches(".*\\s[12] \\(\\d+\\.\\d{3} / \\d+\\.\\d{3} ms\\)\\s*$")).count(),
                "each step's row shows its threads and both medians:\n" + table);
        assertTrue(plan.runTable(plan.run(KERNELS, e.x)).contains(" ms)"), "the run table shows the choice too");
    }

    @Test
    void theFlopRuleOptionMeasuresNothing() throws Exception {
        IntraOp.setThreads(2);
        Example e = example("resnet_bottleneck_block");
        ExecutionPlan plan = ExecutionPlan.of(e.net, e.weights, Options.FUSED.withThreads(ThreadChoice.FLOPS), BatchNormFold.EXACT, QUICK);
        for (int r = 0; r < 2 * QUICK.samples() + 2; r++) {
            plan.run(KERNELS, e.x);
        }
        plan.threadChoices().forEach(c -> assertNull(c, "the flop rule chose nothing by measuring"));
        assertTrue(plan.describe().contains("flop rule (opsgi.plan.threads=flops)"), plan.describe());
        StepThreads flops = new StepThreads(ThreadChoice.FLOPS, QUICK, 3);
        for (long run = 0; run < 10; run++) {
            flops.record(0, run, flops.mode(0, run), 1000, null);
            for (int s = 0; s < 3; s++) {
                assertEquals(Mode.FLOP_RULE, flops.mode(s, run), "step " + s + ", run " + run);
            }
        }
    }

    @Test
    void theMeasurementAlternatesModesAfterTheWarmUpAndDecidesFromTheMedians() {
        IntraOp.setThreads(2);
        StepThreads t = new StepThreads(ThreadChoice.MEASURED, new Tuning(0, 2, 0, 3, 0.05), 2);
        assertEquals(Mode.FLOP_RULE, t.mode(0, t.begin()), "the first runs warm up under the flop rule");
        t.end(1000);
        assertEquals(Mode.FLOP_RULE, t.mode(0, t.begin()));
        t.end(1000);
        for (int i = 0; i < 6; i++) {
            long run = t.begin();
            Mode m0 = t.mode(0, run), m1 = t.mode(1, run);
            assertTrue(m0 != Mode.FLOP_RULE && m1 != Mode.FLOP_RULE && m0 != m1, "neighbouring steps measured in opposite modes: " + m0 + ", " + m1);
            t.record(0, run, m0, m0 == Mode.ALL ? 600 : 1000, null); // step 0: 40% faster on all threads
            t.record(1, run, m1, m1 == Mode.ALL ? 980 : 1000, null); // step 1: 2% faster, within the margin
            t.end(2000);
        }
        assertEquals(Mode.ALL, t.chosen(0));
        assertEquals(Mode.ONE, t.chosen(1), "a gain within the margin stays on one thread");
        assertEquals(Mode.ALL, t.mode(0, t.begin()), "the choice is kept");
        t.record(0, 99, Mode.ALL, 600, "another kernel's prepared object");
        assertNull(t.chosen(0), "a step prepared again by another kernel is measured again");
        IntraOp.setThreads(1);
        assertEquals(Mode.FLOP_RULE, t.mode(1, t.begin()), "nothing to choose on one thread");
        assertTrue(t.describe(1).startsWith("1 (1 configured)"), t.describe(1));
        IntraOp.setThreads(2);
        t.begin();
        assertNull(t.chosen(1), "another thread count measures again");
    }

    /** The warm-up lasts while runs still get faster (the JIT compiling): until two windows in a row gain less than 5%. */
    @Test
    void theWarmUpLastsUntilRunsStopGettingFaster() {
        IntraOp.setThreads(2);
        StepThreads t = new StepThreads(ThreadChoice.MEASURED, new Tuning(0, 1, 2, 1, 0.05), 1);
        long[] runs = {1000, 900, 500, 400, 400, 390, 395, 399};
        for (int i = 0; i < runs.length; i++) {
            assertEquals(Mode.FLOP_RULE, t.mode(0, t.begin()), "run " + i + " is still warming up");
            t.end(runs[i]);
        }
        assertTrue(t.mode(0, t.begin()) != Mode.FLOP_RULE, "measuring after two windows without gain");
    }

    /**
     * The JIT's compiler threads take the cores the second thread would use: a window of runs during which the JIT
     * compiled for more than a tenth of the window's time does not end the warm-up, however flat the runs.
     */
    @Test
    void theWarmUpWaitsForAQuietJit() {
        IntraOp.setThreads(2);
        long[] jit = {0};
        StepThreads t = new StepThreads(ThreadChoice.MEASURED, new Tuning(0, 1, 2, 1, 0.05, 0.1), 1, () -> jit[0]);
        for (int i = 0; i < 8; i++) {
            assertEquals(Mode.FLOP_RULE, t.mode(0, t.begin()), "run " + i + ": the JIT compiles, still warming up");
            t.end(1000);
            jit[0] += 300; // 30% of each run's time
        }
        for (int i = 0; i < 6; i++) { // two windows to find the best run again, two without gain
            assertEquals(Mode.FLOP_RULE, t.mode(0, t.begin()), "quiet run " + i + ": two quiet windows without gain first");
            t.end(1000);
            jit[0] += 50; // 5%
        }
        assertTrue(t.mode(0, t.begin()) != Mode.FLOP_RULE, "measuring after two quiet windows without gain");
    }

    /** A container that compiles other code all the time still measures: after {@link StepThreads#PATIENCE} warm-ups. */
    @Test
    void theWarmUpStopsWaitingForTheJitAfterItsPatience() {
        IntraOp.setThreads(2);
        long[] jit = {0};
        StepThreads t = new StepThreads(ThreadChoice.MEASURED, new Tuning(1000, 1, 2, 1, 0.05, 0.1), 1, () -> jit[0]);
        for (int i = 0; i < StepThreads.PATIENCE; i++) {
            assertEquals(Mode.FLOP_RULE, t.mode(0, t.begin()), "run " + i);
            t.end(1000);
            jit[0] += 1000;
        }
        assertTrue(t.mode(0, t.begin()) != Mode.FLOP_RULE, "measuring after " + StepThreads.PATIENCE + " warm-ups' time");
    }

    /**
     * A measurement during which the JIT compiled is taken again (here it made all threads look 40% slower), at most
     * {@link StepThreads#ROUNDS} times; the summary says which measurement decided.
     */
    @Test
    void aMeasurementDuringWhichTheJitCompiledIsTakenAgain() {
        IntraOp.setThreads(2);
        long[] jit = {0};
        StepThreads t = new StepThreads(ThreadChoice.MEASURED, new Tuning(0, 1, 0, 3, 0.05, 0.1), 1, () -> jit[0]);
        t.mode(0, t.begin());
        t.end(1000); // warm
        boolean[] busy = {true};
        int measured = measureUntilChosen(t, () -> {
            jit[0] += busy[0] ? 500 : 0;
            return busy[0] ? 1400 : 600; // on all threads: slower while the JIT compiles, 40% faster after
        });
        assertEquals(6, measured, "the first measurement: three timings per mode");
        assertNull(t.chosen(0), "not chosen: the JIT compiled for 50% of the measurement");
        busy[0] = false;
        measureUntilChosen(t, () -> 600);
        assertEquals(Mode.ALL, t.chosen(0), "the second measurement, with the JIT quiet, decides");
        assertTrue(t.progress().contains("measurement 2"), t.progress());

        StepThreads always = new StepThreads(ThreadChoice.MEASURED, new Tuning(0, 1, 0, 3, 0.05, 0.1), 1, () -> jit[0]);
        always.mode(0, always.begin());
        always.end(1000);
        for (int r = 1; r <= StepThreads.ROUNDS; r++) {
            measureUntilChosen(always, () -> {
                jit[0] += 500;
                return 1400;
            });
        }
        assertEquals(Mode.ONE, always.chosen(0), "the last measurement is kept however busy the JIT");
        assertTrue(always.progress().contains("measurement " + StepThreads.ROUNDS), always.progress());
    }

    /** Runs one step's measurement (one thread: 1000 ns; all threads: {@code allNanos}) until it chooses or starts again; the runs. */
    private static int measureUntilChosen(StepThreads t, java.util.function.LongSupplier allNanos) {
        for (int runs = 1; ; runs++) {
            long run = t.begin();
            Mode m = t.mode(0, run);
            assertTrue(m != Mode.FLOP_RULE, "measuring");
            t.record(0, run, m, m == Mode.ALL ? allNanos.getAsLong() : 1000, null);
            t.end(1000);
            if (t.chosen(0) != null || runs == 6) {
                return runs;
            }
        }
    }

    @Test
    void allThreadsOnlyWhenClearlyFaster() {
        assertEquals(Mode.ALL, StepThreads.decide(new long[] {100, 100, 300}, new long[] {80, 90, 85}, 0.05));
        assertEquals(Mode.ONE, StepThreads.decide(new long[] {100, 100, 300}, new long[] {97, 98, 40}, 0.05));
        assertEquals(Mode.ONE, StepThreads.decide(new long[] {100, 100}, new long[] {150, 150}, 0.05));
        assertEquals(101, StepThreads.median(new long[] {300, 100, 102, 5}));
    }

    /**
     * Whatever the plan chooses, the output is the same: each example with every step forced onto the calling thread
     * ({@link IntraOp.Split#ONE}), and with every step spread over two threads however small ({@link IntraOp.Split#ALL}),
     * gives the same bits, and so does the measured plan once it has chosen.
     */
    @TestFactory
    Stream<DynamicTest> theSameBitsOnOneAndOnTwoThreads() throws Exception {
        return Examples.all().stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> {
            IntraOp.setThreads(2);
            try {
                Example e = example(dir.getFileName().toString());
                ExecutionPlan flops = ExecutionPlan.of(e.net, e.weights, Options.FUSED.withThreads(ThreadChoice.FLOPS), BatchNormFold.EXACT, QUICK);
                Tensor[] one = new Tensor[1], all = new Tensor[1];
                IntraOp.run(IntraOp.Split.ONE, () -> one[0] = flops.run(KERNELS, e.x).output());
                IntraOp.run(IntraOp.Split.ALL, () -> all[0] = flops.run(KERNELS, e.x).output());
                assertArrayEquals(one[0].toArray(), all[0].toArray(), dir + ": every step on one thread vs on two");
                // one timing per mode (the person detector's runs are slow before the JIT has compiled them)
                Tuning once = new Tuning(0, 1, 0, 1, 0.05);
                ExecutionPlan measured = ExecutionPlan.of(e.net, e.weights, Options.FUSED.withThreads(ThreadChoice.MEASURED), BatchNormFold.EXACT, once);
                Tensor last = null;
                for (int r = 0; r < 4; r++) {
                    last = measured.run(KERNELS, e.x).output();
                    assertArrayEquals(one[0].toArray(), last.toArray(), dir + ": run " + r + " of the measured plan");
                }
                assertNotNull(measured.threadChoices().get(0), dir + ": chosen after the measurement");
            } finally {
                IntraOp.setThreads(before);
            }
        }));
    }

    private record Example(Network net, Weights weights, Tensor x) {
    }

    private static Example example(String name) throws Exception {
        Path dir = Examples.all().stream().filter(d -> d.getFileName().toString().equals(name)).findFirst().orElseThrow();
        Network net = Network.plan(NetworkDescription.read(dir.resolve("model.json")));
        return new Example(net, Weights.load(net), Npy.readFloat(dir.resolve("input.npy")));
    }
}
