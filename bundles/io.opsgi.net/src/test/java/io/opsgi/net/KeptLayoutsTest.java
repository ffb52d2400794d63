package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The channel-blocked layout kept between conv steps (ResNet's basic blocks, with a stride-2 block and its 1x1
 * downsample): which values stay blocked, the same bits as the fused plan with NCHW between all steps (the blocked
 * kernel sums in the same order either way), within the network tolerance of the unfused reference plan; a wrong
 * hand-off is caught; a swap to a kernel without a blocked entry point falls back to NCHW.
 */
class KeptLayoutsTest {
    private static final ClasspathKernelSource KERNELS = new ClasspathKernelSource();

    /** Stem, a basic block, a stride-2 block with a 1x1 downsample, a basic block, a max pool. */
    static Network resnetLike() {
        return Network.plan(NetworkBuilder.network("resnet-like", 1, 3, 20, 20).seeded(11)
                .conv2d("c0", 3, 16, 3, "padding", 1).layer("r0", "relu")
                .conv2d("c1", 16, 16, 3, "padding", 1).batchNorm("b1", 16).layer("r1", "relu")
                .conv2d("c2", 16, 16, 3, "padding", 1).add("a2", "c2", "r0").layer("r2", "relu")
                .conv2d("c3", 16, 32, 3, "padding", 1, "stride", 2).layer("r3", "relu")
                .conv2d("c4", 32, 32, 3, "padding", 1)
                .conv2d("down", 16, 32, 1, "stride", 2).from("r2")
                .add("a4", "c4", "down").layer("r4", "relu")
                .conv2d("c5", 32, 32, 3, "padding", 1).add("a5", "c5", "r4").layer("r5", "relu")
                .layer("pool", "max_pool2d", "kernel_size", 2).build());
    }

    static Tensor input(Network net) {
        Tensor x = Tensor.wrap(net.inputShape(), new float[net.inputShape().size()]);
        for (int i = 0; i < x.buffer().length; i++) {
            x.buffer()[i] = (i * 7 % 13 - 6) * 0.125f;
        }
        return x;
    }

    @Test
    void keptLayoutsGiveTheNchwPlansBitsAndMatchTheReferencePlan() throws Exception {
        Network net = resnetLike();
        Weights weights = Weights.load(net);
        Tensor x = input(net);
        ExecutionPlan kept = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        Tensor y = kept.run(KERNELS, x).output();
        // c2's output is read by c3 and by the 1x1 downsample (gemm's blocked 1x1), whose output is c4's residual; c5's goes to the pool.
        assertEquals(List.of("c0 + r0", "c1 + b1 (folded) + r1", "c2 + a2 (residual r0) + r2", "c3 + r3", "down", "c4 + a4 (residual down) + r4"),
                kept.keptValues());
        // Later values take the buffers of values read for the last time: the same bits below show that no value's buffer
        // is taken while it is still to be read.
        assertTrue(kept.blockedBuffers() < kept.keptValues().size(), kept.blockedBuffers() + " blocked buffers for 6 kept values: none reused");
        Tensor nchw = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED_NCHW).run(KERNELS, x).output();
        Tensor reference = ExecutionPlan.of(net, weights, ExecutionPlan.Options.UNFUSED).run(KERNELS, x).output();
        assertTrue(Arrays.equals(nchw.toArray(), y.toArray()), "kept layouts vs NCHW between steps: not the same bits");
        assertWithin(reference, y, NetworkTolerance.of(net, reference), "kept layouts vs the unfused reference plan");
        assertTrue(Arrays.equals(y.toArray(), kept.run(KERNELS, x).output().toArray()), "a second run (reused blocked buffers) gives the same bits");
    }

    /**
     * Fire-like modules of 3x3 convs (every conv the blocked kernel's): two concats of full channel blocks stay blocked
     * (one read by a conv, one joining a concat's output with an earlier value), a concat whose first input fills part of a
     * block (3 channels) and a concat read by the pool stay NCHW; same bits as NCHW between all steps, within the reference plan's
     * tolerance, on a batch of 2.
     */
    @Test
    void channelConcatsOfFullBlocksStayBlocked() throws Exception {
        Network net = Network.plan(NetworkBuilder.network("fire-like", 2, 3, 12, 12).seeded(5)
                .conv2d("stem", 3, 16, 3, "padding", 1).layer("r0", "relu")
                .conv2d("e1", 16, 16, 3, "padding", 1).from("r0")
                .conv2d("e3", 16, 16, 3, "padding", 1).from("r0")
                .layer("cat1", "concat", "dim", 1).from("e1", "e3")
                .conv2d("sq", 32, 16, 3, "padding", 1).layer("r1", "relu")
                .layer("cat2", "concat", "dim", 1).from("r1", "cat1")
                .conv2d("half", 48, 3, 3, "padding", 1)
                .conv2d("e4", 3, 16, 3, "padding", 1).from("half")
                .layer("cat3", "concat", "dim", 1).from("half", "e4")
                .conv2d("c5", 19, 16, 3, "padding", 1)
                .conv2d("c6", 16, 16, 3, "padding", 1).from("c5")
                .conv2d("c7", 16, 16, 3, "padding", 1).from("c5")
                .layer("cat4", "concat", "dim", 1).from("c6", "c7")
                .layer("pool", "max_pool2d", "kernel_size", 2).build());
        Weights weights = Weights.load(net);
        Tensor x = input(net);
        ExecutionPlan kept = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        Tensor y = kept.run(KERNELS, x).output();
        assertEquals(List.of("stem + r0", "e1", "e3", "cat1 (concat)", "sq + r1", "cat2 (concat)", "c5"), kept.keptValues());
        Tensor nchw = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED_NCHW).run(KERNELS, x).output();
        Tensor reference = ExecutionPlan.of(net, weights, ExecutionPlan.Options.UNFUSED).run(KERNELS, x).output();
        assertTrue(Arrays.equals(nchw.toArray(), y.toArray()), "blocked concats vs NCHW between steps: not the same bits");
        assertWithin(reference, y, NetworkTolerance.of(net, reference), "blocked concats vs the unfused reference plan");
        assertTrue(Arrays.equals(y.toArray(), kept.run(KERNELS, x).output().toArray()), "a second run gives the same bits");
    }

    /** Convs with max pools between them, SqueezeNet's and ResNet's (3x3 at stride 2, ceil mode, and padded), and a pool of a concat. */
    static Network poolsBetweenConvs() {
        return Network.plan(NetworkBuilder.network("pools-between-convs", 2, 3, 23, 23).seeded(3)
                .conv2d("stem", 3, 16, 3).layer("r0", "relu")
                .layer("p1", "max_pool2d", "kernel_size", 3, "stride", 2, "ceil_mode", true)
                .conv2d("e1", 16, 16, 1).from("p1")
                .conv2d("e3", 16, 16, 3, "padding", 1).from("p1")
                .layer("cat", "concat", "dim", 1).from("e1", "e3")
                .layer("p2", "max_pool2d", "kernel_size", 3, "stride", 2, "padding", 1)
                .conv2d("c2", 32, 24, 3, "padding", 1)
                .layer("p3", "max_pool2d", "kernel_size", 2)
                .conv2d("c3", 24, 8, 1).build());
    }

    /**
     * The pools between convs stay blocked (their kernel's blocked entry point), so the whole run does: the same bits as
     * NCHW between all steps (a max chooses, it does not round), within the reference plan's tolerance; a pool kernel
     * without a blocked entry point keeps its neighbours NCHW, still right.
     */
    @Test
    void maxPoolsBetweenConvsStayBlocked() throws Exception {
        Network net = poolsBetweenConvs();
        Weights weights = Weights.load(net);
        Tensor x = input(net);
        ExecutionPlan kept = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        Tensor y = kept.run(KERNELS, x).output();
        assertEquals(List.of("stem + r0", "p1 (max_pool2d)", "e1", "e3", "cat (concat)", "p2 (max_pool2d)", "c2", "p3 (max_pool2d)"), kept.keptValues());
        Tensor nchw = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED_NCHW).run(KERNELS, x).output();
        Tensor reference = ExecutionPlan.of(net, weights, ExecutionPlan.Options.UNFUSED).run(KERNELS, x).output();
        assertTrue(Arrays.equals(nchw.toArray(), y.toArray()), "blocked pools vs NCHW between steps: not the same bits");
        assertWithin(reference, y, NetworkTolerance.of(net, reference), "blocked pools vs the unfused reference plan");
        assertTrue(kept.describe().matches("(?s).*p2 \\(max_pool2d\\) +max_pool2d, values only .*blocked\\d+ .*"), kept.describe());

        ExecutionPlan plain = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        Tensor without = plain.run(withoutBlockedPools(), x).output();
        assertEquals(List.of(), plain.keptValues(), "every value here is a pool's input or output: all NCHW");
        assertTrue(Arrays.equals(y.toArray(), without.toArray()), "without blocked pools: not the same bits");
    }

    /** The classpath's kernels, the max pool's without its blocked entry point. */
    private static NetworkRunner.KernelSource withoutBlockedPools() {
        return KERNELS.swapped(k -> k instanceof MaxPool2dKernel m ? (MaxPool2dKernel) m::maxPool2d : k, "no blocked pools");
    }

    /**
     * A batch of one: the convs a kept concat alone reads write into their blocks of its buffer, so the concat copies
     * nothing but the values made by other steps (cat2's cat1); the same bits as NCHW between all steps and as a batch
     * of one without placement would give (the fire-like net's checks above), within the reference plan's tolerance.
     */
    @Test
    void convsJoinedByAConcatWriteInPlace() throws Exception {
        Network net = Network.plan(NetworkBuilder.network("fire-like-1", 1, 3, 12, 12).seeded(5)
                .conv2d("stem", 3, 16, 3, "padding", 1).layer("r0", "relu")
                .conv2d("e1", 16, 16, 1).from("r0")
                .conv2d("e3", 16, 24, 3, "padding", 1).from("r0")
                .layer("cat1", "concat", "dim", 1).from("e1", "e3")
                .conv2d("sq", 40, 16, 3, "padding", 1).layer("r1", "relu")
                .layer("cat2", "concat", "dim", 1).from("r1", "cat1")
                .layer("p", "max_pool2d", "kernel_size", 2)
                .conv2d("last", 56, 8, 1).build());
        Weights weights = Weights.load(net);
        Tensor x = input(net);
        ExecutionPlan kept = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        Tensor y = kept.run(KERNELS, x).output();
        assertEquals(List.of("e1 -> cat1 (concat)", "e3 -> cat1 (concat)", "sq + r1 -> cat2 (concat)"), kept.placedValues());
        String summary = kept.describe();
        assertTrue(summary.matches("(?s).*cat1 \\(concat\\) +- \\(its inputs wrote in place\\).*"), summary);
        assertTrue(summary.matches("(?s).*e3 +conv2d .* b\\d+ at \\d+ \\(in step 4's\\).*"), summary);
        Tensor nchw = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED_NCHW).run(KERNELS, x).output();
        Tensor reference = ExecutionPlan.of(net, weights, ExecutionPlan.Options.UNFUSED).run(KERNELS, x).output();
        assertTrue(Arrays.equals(nchw.toArray(), y.toArray()), "convs written in place vs NCHW between steps: not the same bits");
        assertWithin(reference, y, NetworkTolerance.of(net, reference), "convs written in place vs the unfused reference plan");
        assertTrue(Arrays.equals(y.toArray(), kept.run(KERNELS, x).output().toArray()), "a second run gives the same bits");
    }

    /**
     * Producers told to write the columns one further left than their readers read them (same buffer size): every kept
     * hand-off with a zero column on the left is shifted (one without, the downsample's output, has no room to shift into).
     */
    @Test
    void aWrongHandOffIsCaught() throws Exception {
        Network net = resnetLike();
        Weights weights = Weights.load(net);
        Tensor x = input(net);
        Tensor reference = ExecutionPlan.of(net, weights, ExecutionPlan.Options.UNFUSED).run(KERNELS, x).output();
        ExecutionPlan plan = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        plan.skewKeptLayouts(l -> l.left() == 0 ? l : new ChannelBlocks(l.lanes(), l.left() - 1, l.width()));
        Tensor y = plan.run(KERNELS, x).output();
        assertFalse(plan.keptValues().isEmpty());
        assertFalse(TensorComparison.compare("output", reference, y, NetworkTolerance.of(net, reference)).passed(),
                "a hand-off in the wrong layout went unnoticed");
    }

    /** The summary shows each step's output layout: a candidate before any run, the decision after one; the option switches it off. */
    @Test
    void theSummaryShowsTheLayoutPerStep() throws Exception {
        Network net = resnetLike();
        String before = ExecutionPlan.describe(net, ExecutionPlan.Options.FUSED);
        assertTrue(before.contains("blocked layout kept between conv, max pool and concat steps") && before.contains("blocked if its kernels exchange it"), before);
        ExecutionPlan plan = ExecutionPlan.of(net, Weights.load(net), ExecutionPlan.Options.FUSED);
        plan.run(KERNELS, input(net));
        String after = plan.describe();
        assertTrue(after.matches("(?s).*c3 \\+ r3 .*blocked\\d+ \\(cols 1\\+w\\+\\d+\\).*"), after);
        String off = ExecutionPlan.describe(net, ExecutionPlan.Options.FUSED_NCHW);
        assertTrue(off.contains("layout NCHW between steps (--no-keep-layout)") && !off.contains("blocked"), off);
    }

    /** A swap to a conv kernel without a blocked entry point: the next run decides again, all NCHW, still right. */
    @Test
    void aSwapToAKernelWithoutBlocksFallsBackToNchw() throws Exception {
        Network net = resnetLike();
        Weights weights = Weights.load(net);
        Tensor x = input(net);
        ExecutionPlan plan = ExecutionPlan.of(net, weights, ExecutionPlan.Options.FUSED);
        Tensor before = plan.run(KERNELS, x).output();
        assertFalse(plan.keptValues().isEmpty());
        // a conv kernel without a prepare of its own
        NetworkRunner.KernelSource swapped = KERNELS.swapped(k -> k instanceof Conv2dKernel c ? (Conv2dKernel) c::conv2d : k, "swapped");
        Tensor after = plan.run(swapped, x).output();
        assertEquals(List.of(), plan.keptValues(), "no kernel offers blocks any more");
        assertWithin(before, after, NetworkTolerance.of(net, before), "after the swap");
    }

    private static void assertWithin(Tensor expected, Tensor actual, io.opsgi.op.Tolerance t, String what) {
        TensorComparison cmp = TensorComparison.compare("output", expected, actual, t);
        assertTrue(cmp.passed(), () -> what + ": " + cmp.problem());
    }
}
