package io.opsgi.net;

import io.opsgi.net.Fusion.BatchNormFold;
import io.opsgi.net.Fusion.Group;
import io.opsgi.net.NetworkRunner.KernelSource;
import io.opsgi.net.NetworkRunner.LayerRun;
import io.opsgi.op.BatchNorm;
import io.opsgi.op.BlockedMaxPool2d;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.Concat;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.IntraOp;
import io.opsgi.op.Kernel;
import io.opsgi.op.MaxPool2d;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.Operators;
import io.opsgi.op.PoolGeometry;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import io.opsgi.text.TextTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A planned network made ready to run many times: the layers grouped into steps ({@link Fusion}:
 * batch norm folded into the conv before it, a residual add and an activation applied in the
 * conv's output loop through a {@link PreparedConv2d}), each conv's geometry and each step's
 * attributes resolved once, and the intermediate tensors of the fused steps and of concats placed in
 * buffers reused by liveness (a buffer is handed to a later step once the last step reading it is
 * done).
 * {@link Options#UNFUSED} is the reference: every layer through its operator contract, as
 * {@link NetworkRunner} runs it, one allocation per layer.
 *
 * <p>A run takes one lease per operator for the whole run (not one per layer), so the kernels of
 * a run cannot go away under it, and a swap is seen by the next run. A conv step keeps the object
 * its kernel prepared with the lease's {@link KernelLease#kernelsKey() kernels key}; when the key
 * changes (a kernel came, went or was quarantined) the step prepares again on the kernels now
 * serving, while a run already started finishes on the old object. If a prepared run throws, the
 * step answers through the plain call on the lease's chain (which falls back and blames as for any
 * call) and prepares again next run.
 *
 * <p>Thread-safe: concurrent runs take separate buffer sets.
 */
public final class ExecutionPlan {
    /**
     * Whether layers are fused (batch norm folding, epilogues, buffer reuse; off = the layer-by-layer reference);
     * in a fused plan, whether the channel-blocked layout is kept between conv steps whose kernels can exchange it
     * ({@link KeptLayouts}; off = NCHW between all steps); {@code threads}: how each step's intra-op threads are
     * chosen ({@link ThreadChoice}).
     */
    public record Options(boolean fuse, boolean keepLayouts, ThreadChoice threads) {
        public static final Options FUSED = new Options(true);
        /** Fused, but NCHW between every two steps (each blocked conv converts its input and output itself). */
        public static final Options FUSED_NCHW = new Options(true, false, ThreadChoice.configured());
        public static final Options UNFUSED = new Options(false);

        /** Fused with kept layouts, or the layer-by-layer reference; threads as {@code opsgi.plan.threads} says ({@link ThreadChoice#configured()}). */
        public Options(boolean fuse) {
            this(fuse, fuse, ThreadChoice.configured());
        }

        public Options withThreads(ThreadChoice t) {
            return new Options(fuse, keepLayouts, t);
        }
    }

    /**
     * How a plan chooses whether a step runs on all intra-op threads or on the calling thread alone:
     * {@link #MEASURED} (the default) times both on the step's own geometry while the plan warms up and keeps the
     * faster ({@code StepThreads}); {@link #FLOPS} leaves it to the kernels' flop rule ({@code opsgi.inlineFlops}).
     * Chosen by the system property {@code opsgi.plan.threads} = {@code measure} or {@code flops}.
     */
    public enum ThreadChoice {
        MEASURED, FLOPS;

        public static final String PROPERTY = "opsgi.plan.threads";

        /** The choice {@code opsgi.plan.threads} names; an unknown value is reported in one line and the default kept. */
        public static ThreadChoice configured() {
            String v = System.getProperty(PROPERTY);
            if (v == null || v.isBlank() || v.trim().equals("measure")) {
                return MEASURED;
            }
            if (v.trim().equals("flops")) {
                return FLOPS;
            }
            System.err.println("opsgi: ignoring " + PROPERTY + "=" + v + " (must be measure or flops)");
            return MEASURED;
        }
    }

    private final Network net;
    private final Options options;
    private final List<Step> steps;
    private final int inputValue, values;
    /** The values of the network's outputs, in its order; never in a reused buffer, never kept blocked. */
    private final int[] outputValues;
    /** Buffer sizes by slot; a run takes a set of buffers and gives it back. */
    private final int[] slotSizes;
    private final ConcurrentLinkedQueue<float[][]> buffers = new ConcurrentLinkedQueue<>();
    /** Which steps run on all intra-op threads: measured while warming up, or the flop rule. */
    private final StepThreads threads;
    /** The layouts kept between steps, decided for the kernels of {@link KeptLayouts#kernelsKey}; null until a run decides. */
    private final AtomicReference<KeptLayouts> kept = new AtomicReference<>();
    /** The layout the producer of a kept value is told to write: identity, except in the test that shows a wrong hand-off is caught. */
    private volatile UnaryOperator<ChannelBlocks> skew = UnaryOperator.identity();

    private ExecutionPlan(Network net, Options options, List<Step> steps, int values, int[] slotSizes, int inputValue, int[] outputValues,
            StepThreads.Tuning tuning) {
        this.net = net;
        this.options = options;
        this.steps = List.copyOf(steps);
        this.threads = new StepThreads(options.threads(), tuning, steps.size());
        this.values = values;
        this.slotSizes = slotSizes;
        this.inputValue = inputValue;
        this.outputValues = outputValues;
    }

    /** Plans {@code net} with its weights (folded copies are made here; {@code weights} are not changed). */
    public static ExecutionPlan of(Network net, Weights weights, Options options) {
        return of(net, weights, options, BatchNormFold.EXACT);
    }

    static ExecutionPlan of(Network net, Weights weights, Options options, BatchNormFold folder) {
        return of(net, weights, options, folder, StepThreads.Tuning.DEFAULT);
    }

    static ExecutionPlan of(Network net, Weights weights, Options options, BatchNormFold folder, StepThreads.Tuning tuning) {
        List<Group> groups = Fusion.groups(net, options.fuse());
        Map<String, Integer> ids = new HashMap<>();
        ids.put(NetworkDescription.INPUT, 0);
        for (Group g : groups) {
            ids.put(g.last().name(), ids.size());
        }
        // Liveness: the step after which each value is read no more; values read by a kernel-less layer
        // (flatten, dropout: their output may share the buffer) are kept for the whole run.
        int[] lastRead = new int[ids.size()];
        Set<Integer> pinned = new HashSet<>();
        for (int s = 0; s < groups.size(); s++) {
            Group g = groups.get(s);
            for (String in : g.reads()) {
                lastRead[ids.get(in)] = s;
                if (g.head().op() == null && !copiesInto(g, options)) {
                    pinned.add(ids.get(in));
                }
            }
        }
        int[] outputs = net.outputs().stream().mapToInt(ids::get).toArray();
        Set<Integer> isOutput = new HashSet<>();
        for (int o : outputs) {
            isOutput.add(o);
        }
        List<Integer> slotSizes = new ArrayList<>();
        Map<Integer, Deque<Integer>> free = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        for (int s = 0; s < groups.size(); s++) {
            Group g = groups.get(s);
            int[] in = g.reads().stream().mapToInt(ids::get).toArray();
            int value = ids.get(g.last().name());
            Step step;
            if (g.geometry() != null || copiesInto(g, options) || poolsInto(g, options)) {
                int size = g.last().outputShape().size();
                int slot = -1;
                if (!isOutput.contains(value)) { // an output gets a fresh array per run: a later step must not overwrite it
                    Deque<Integer> d = free.get(size);
                    slot = d == null || d.isEmpty() ? -1 : d.pop();
                    if (slot < 0) {
                        slot = slotSizes.size();
                        slotSizes.add(size);
                    }
                }
                step = g.geometry() != null ? new ConvStep(g, in, value, slot, weights, folder)
                        : poolsInto(g, options) ? new PoolStep(g.head(), in, value, slot) : new ConcatStep(g.head(), in, value, slot);
            } else {
                step = new LayerStep(g.head(), in, value, weights == null ? Map.of() : weights.of(g.head().name()));
            }
            steps.add(step);
            for (int v : java.util.Arrays.stream(in).distinct().toArray()) { // a value read twice (concat(c, c)) is freed once
                Step producer = v == 0 ? null : steps.get(v - 1);
                if (lastRead[v] == s && !pinned.contains(v) && producer != null && producer.slot >= 0) {
                    free.computeIfAbsent(slotSizes.get(producer.slot), k -> new ArrayDeque<>()).push(producer.slot);
                }
            }
        }
        return new ExecutionPlan(net, options, steps, ids.size(), slotSizes.stream().mapToInt(Integer::intValue).toArray(), 0, outputs, tuning);
    }

    /**
     * Whether a kernel-less layer copies its inputs into a buffer of the plan: a concat, fused plans only (unfused,
     * it allocates its output as {@link NetworkRunner} does). Its output is then never one of its inputs' buffers.
     */
    private static boolean copiesInto(Group g, Options options) {
        return options.fuse() && g.geometry() == null && Concat.OP.equals(g.head().type()) && g.head().outputShape().rank() >= 1;
    }

    /**
     * Whether a layer is a max pool run by a step of the plan ({@link PoolStep}: its geometry resolved once, its output in
     * a buffer of the plan, its layout kept blocked where its kernel can): fused plans only, 2-D pools of rank-3 or rank-4
     * inputs.
     */
    private static boolean poolsInto(Group g, Options options) {
        return options.fuse() && g.geometry() == null && MaxPool2d.OP.equals(g.head().type()) && g.head().outputShape().size() > 0;
    }

    /** The steps {@code net} would run in, from its structure alone (no weight is read): what the summary shows. */
    public static String describe(Network net, Options options) {
        return of(net, null, options, BatchNormFold.EXACT).describe();
    }

    public Network network() {
        return net;
    }

    public Options options() {
        return options;
    }

    /** Runs the plan on {@code input}: one lease per operator for the whole run. */
    public NetworkRunner.Result run(KernelSource kernels, Tensor input) {
        if (!input.shape().equals(net.inputShape())) {
            throw new NetworkException("input_shape", "the input has shape " + input.shape() + " but the network was planned for " + net.inputShape());
        }
        float[][] slots = buffers.poll();
        if (slots == null) {
            slots = new float[slotSizes.length][];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new float[slotSizes[i]];
            }
        }
        Map<String, KernelLease<? extends Kernel>> leases = new HashMap<>();
        KeptLayouts k = null;
        float[][] blocked = null;
        try {
            Tensor[] v = new Tensor[values];
            v[inputValue] = input;
            List<LayerRun> runs = new ArrayList<>(steps.size());
            long run = threads.begin();
            long start = System.nanoTime();
            float[][] slotSet = slots;
            if (options.fuse() && options.keepLayouts()) {
                KernelLease<? extends Kernel> conv = null, pool = null;
                for (Step s : steps) {
                    if (s instanceof ConvStep && conv == null) {
                        conv = leases.computeIfAbsent(s.op(), op -> kernels.lease(op, Operators.get(op).kernelType()));
                    } else if (s instanceof PoolStep && pool == null) {
                        pool = leases.computeIfAbsent(s.op(), op -> kernels.lease(op, Operators.get(op).kernelType()));
                    }
                }
                k = conv == null ? null : keptLayouts(conv, pool);
                blocked = k == null ? null : k.take();
            }
            KeptLayouts keptSet = k;
            float[][] blockedSet = blocked;
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                long t0 = System.nanoTime();
                KernelLease<? extends Kernel> lease = s.op() == null ? null
                        : leases.computeIfAbsent(s.op(), op -> kernels.lease(op, Operators.get(op).kernelType()));
                StepThreads.Mode mode = threads.mode(i, run);
                int step = i;
                switch (mode) {
                    case ONE -> IntraOp.run(IntraOp.Split.ONE, () -> v[s.value] = runStep(s, lease, v, slotSet, keptSet, blockedSet, step));
                    case ALL -> IntraOp.run(IntraOp.Split.ALL, () -> v[s.value] = runStep(s, lease, v, slotSet, keptSet, blockedSet, step));
                    default -> v[s.value] = runStep(s, lease, v, slotSet, keptSet, blockedSet, step);
                }
                long nanos = System.nanoTime() - t0;
                threads.record(i, run, mode, nanos, s.madeBy());
                runs.add(new LayerRun(s.head(), lease == null ? null : s.servedBy(lease), nanos));
            }
            threads.end(System.nanoTime() - start);
            List<Tensor> outputs = new ArrayList<>(outputValues.length);
            for (int o : outputValues) {
                outputs.add(result(v[o], input, slots));
            }
            return new NetworkRunner.Result(outputs, runs, System.nanoTime() - start);
        } finally {
            leases.values().forEach(KernelLease::close);
            buffers.offer(slots);
            if (blocked != null) {
                k.release(blocked);
            }
        }
    }

    /**
     * An output as the caller gets it: a copy when it is the input itself or a kernel-less view of it (the result
     * never aliases the caller's tensor) or when a kernel-less layer (flatten) made it share a reused buffer; else
     * the step's own array.
     */
    private static Tensor result(Tensor y, Tensor input, float[][] slots) {
        boolean shared = y.buffer() == input.buffer();
        for (float[] slot : slots) {
            shared |= slot == y.buffer();
        }
        return shared ? Tensor.wrap(y.shape(), y.toArray()) : y;
    }

    /** One step of a run: a conv step with kept layouts reads and writes them, any other step NCHW. */
    private Tensor runStep(Step s, KernelLease<? extends Kernel> lease, Tensor[] v, float[][] slots, KeptLayouts k, float[][] blocked, int i) {
        if (k != null && s instanceof ConvStep c) {
            return c.runKept(lease, v, slots, k, blocked, i, kept);
        }
        if (k != null && s instanceof ConcatStep c && k.written(c.value) != null) {
            return c.runBlocked(k, blocked);
        }
        if (k != null && s instanceof PoolStep p && k.written(p.value) != null) {
            return p.runBlocked(lease, k, blocked, i, kept);
        }
        return s.run(lease, v, slots);
    }

    /**
     * The kept layouts for the kernels this run's conv and max pool leases hold ({@code poolLease} null: no pool step):
     * decided again (every conv step prepared, every pool step's blocked entry point made on those kernels first) when
     * they changed since the last decision, or after a prepared or blocked run failed.
     */
    @SuppressWarnings("unchecked")
    private KeptLayouts keptLayouts(KernelLease<? extends Kernel> lease, KernelLease<? extends Kernel> poolLease) {
        KernelLease<Conv2dKernel> conv = (KernelLease<Conv2dKernel>) lease;
        KernelLease<MaxPool2dKernel> pool = (KernelLease<MaxPool2dKernel>) poolLease;
        Object key = pool == null ? conv.kernelsKey() : List.of(conv.kernelsKey(), pool.kernelsKey());
        KeptLayouts k = kept.get();
        if (k != null && k.kernelsKey.equals(key)) {
            return k;
        }
        List<KeptLayouts.ConvUse> convs = new ArrayList<>();
        List<KeptLayouts.ConcatUse> concats = new ArrayList<>();
        List<KeptLayouts.PoolUse> pools = new ArrayList<>();
        List<List<Integer>> readers = new ArrayList<>();
        for (int v = 0; v < values; v++) {
            readers.add(new ArrayList<>());
        }
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            for (int v : s.in) {
                if (!readers.get(v).contains(i)) {
                    readers.get(v).add(i);
                }
            }
            if (s instanceof ConvStep c) {
                convs.add(new KeptLayouts.ConvUse(i, c.prepared(conv).conv(), c.in[0], c.group.residual() == null ? -1 : c.in[1], c.value,
                        c.outputShape()));
            } else if (s instanceof ConcatStep c && c.channelConcat()) {
                int[] channels = c.layer.inputShapes().stream().mapToInt(x -> x.dim(1)).toArray();
                concats.add(new KeptLayouts.ConcatUse(i, c.in, channels, c.value, c.outputShape()));
            } else if (s instanceof PoolStep p) {
                pools.add(new KeptLayouts.PoolUse(i, p.blocked(pool), p.in[0], p.value, p.outputShape()));
            }
        }
        boolean[] outputs = new boolean[values];
        for (int o : outputValues) {
            outputs[o] = true;
        }
        k = KeptLayouts.decide(key, steps.size(), values, convs, concats, pools, readers, outputs, skew);
        kept.set(k);
        return k;
    }

    /** Tells the producer of every kept value to write a different layout than its readers read: a wrong hand-off, for the test that it is caught. */
    void skewKeptLayouts(UnaryOperator<ChannelBlocks> wrong) {
        skew = wrong;
        kept.set(null);
    }

    /** Blocked buffers in one run's set by the last decision (0 before the first run), for tests. */
    int blockedBuffers() {
        KeptLayouts k = kept.get();
        return k == null ? 0 : k.bufferCount();
    }

    /** Values kept blocked by the last decision (empty before the first run), for tests. */
    List<String> keptValues() {
        KeptLayouts k = kept.get();
        List<String> r = new ArrayList<>();
        if (k != null) {
            for (int v : k.keptValues()) {
                r.add(steps.get(v - 1).describeLayers());
            }
        }
        return r;
    }

    /** Values written in place into a concat's buffer by the last decision, as "value -> concat", for tests. */
    List<String> placedValues() {
        KeptLayouts k = kept.get();
        List<String> r = new ArrayList<>();
        for (int v = 1; k != null && v < values; v++) {
            if (k.placedIn(v) >= 0) {
                r.add(steps.get(v - 1).describeLayers() + " -> " + steps.get(k.placedIn(v) - 1).describeLayers());
            }
        }
        return r;
    }

    /** The steps: which layers each runs, with what epilogue, into which buffer (for the summary). */
    public String describe() {
        TextTable t = TextTable.withHeader("step", "layers", "kernel call", "output", "buffer", "layout out", "threads").right(0);
        KeptLayouts k = kept.get();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            boolean blocked = options.keepLayouts() && k != null && k.written(s.value) != null;
            String buffer = !blocked ? s.describeBuffer()
                    : "b" + k.bufferOf(s.value) + (k.placedIn(s.value) >= 0 ? " at " + k.offset(s.value) + " (in step " + k.placedIn(s.value) + "'s)" : "");
            boolean inPlace = blocked && s instanceof ConcatStep && java.util.Arrays.stream(s.in).allMatch(v -> k.placedIn(v) == s.value);
            t.row(i + 1, s.describeLayers(), inPlace ? "- (its inputs wrote in place)" : s.describeCall(), s.outputShape(), buffer, describeLayout(s),
                    threads.describe(i));
        }
        long fused = steps.stream().filter(s -> s instanceof ConvStep c && c.group.fused()).count();
        long pooled = 0;
        for (int size : slotSizes) {
            pooled += size;
        }
        long perLayer = 0;
        for (Step s : steps) {
            if (s instanceof ConvStep c) {
                for (PlannedLayer l : c.group.layers()) {
                    perLayer += l.outputShape().size();
                }
            } else if (s instanceof ConcatStep) {
                perLayer += s.outputShape().size();
            }
        }
        String layouts = !options.fuse() ? "layout NCHW between steps"
                : !options.keepLayouts() ? "layout NCHW between steps (--no-keep-layout)"
                : "blocked layout kept between conv, max pool and concat steps whose kernels exchange it, NCHW elsewhere (--no-keep-layout: NCHW between all steps)";
        return String.format(Locale.ROOT, "execution plan (%s): %d layers in %d steps, %d fused groups; %s%n",
                options.fuse() ? "fused; --no-fuse runs layer by layer" : "unfused: layer by layer", net.layers().size(), steps.size(), fused, layouts)
                + t.toText()
                + describeThreads()
                + (options.fuse() ? String.format(Locale.ROOT, "conv and concat buffers: %d reused by liveness, %s, where their layers one by one allocate %s per run%n",
                        slotSizes.length, NetworkSummary.megabytes(pooled), NetworkSummary.megabytes(perLayer)) : "")
                + (options.keepLayouts() && k != null && k.any() ? String.format(Locale.ROOT, "blocked buffers (b#): %d reused by liveness, %s%n",
                        k.bufferCount(), NetworkSummary.megabytes(k.bufferFloats())) : "");
    }

    /**
     * The layout of a step's output: as decided for the kernels of the last run, or before any run (the summary, which
     * runs no kernel) whether the structure allows keeping it blocked: a step whose readers are all conv, pool or channel concat steps.
     */
    private String describeLayout(Step s) {
        if (!(s instanceof ConvStep || s instanceof PoolStep || s instanceof ConcatStep c && c.channelConcat()) || !options.fuse() || !options.keepLayouts()
                || java.util.Arrays.stream(outputValues).anyMatch(o -> o == s.value)) {
            return "NCHW";
        }
        KeptLayouts k = kept.get();
        if (k != null) {
            ChannelBlocks c = k.written(s.value);
            return c == null ? "NCHW" : c.describe(s.outputShape().dim(3));
        }
        boolean readers = false;
        for (Step r : steps) {
            for (int v : r.in) {
                if (v == s.value) {
                    if (!(r instanceof ConvStep || r instanceof PoolStep || r instanceof ConcatStep c && c.channelConcat())) {
                        return "NCHW";
                    }
                    readers = true;
                }
            }
        }
        return readers ? "blocked if its kernels exchange it" : "NCHW";
    }

    /** The per-step report of a run of this plan: layers, time, the kernel that answered, the step's threads. */
    public String runTable(NetworkRunner.Result r) {
        TextTable table = TextTable.withHeader("step", "layers", "output shape", "time ms", "kernel", "threads").right(0).right(3);
        for (int i = 0; i < r.layers().size(); i++) {
            LayerRun run = r.layers().get(i);
            Step s = steps.get(i);
            table.row(i + 1, s.describeLayers(), s.outputShape(), String.format(Locale.ROOT, "%.3f", run.nanos() / 1e6),
                    run.servedBy() == null ? "- (no kernel)" : run.servedBy().variant() + (s instanceof ConvStep ? " (prepared)" : ""),
                    threads.describe(i));
        }
        return table.toText() + String.format(Locale.ROOT, "total: %.3f ms%n", r.nanos() / 1e6) + describeThreads();
    }

    /** The line under the step tables saying how the threads column was chosen. */
    private String describeThreads() {
        if (options.threads() == ThreadChoice.FLOPS) {
            return String.format(Locale.ROOT, "threads: flop rule (%s=flops): convs below opsgi.inlineFlops (default 2^22) flops on the calling thread, "
                    + "other steps as their kernels split them%n", ThreadChoice.PROPERTY);
        }
        return String.format(Locale.ROOT, "threads: per step, measured on 1 and on all %d intra-op threads while the plan warms up (medians 1 / all in brackets; "
                + "flop rule until then; %s=flops for the flop rule alone)%s%n", IntraOp.threads(), ThreadChoice.PROPERTY, threads.progress());
    }

    // ------------------------------------------------------------------ steps

    private abstract static class Step {
        /** Values read (ids), the value written. */
        final int[] in;
        final int value;
        /** The buffer slot its output goes to; -1: allocated per run (or shared with an input, as flatten does). */
        final int slot;

        Step(int[] in, int value, int slot) {
            this.in = in;
            this.value = value;
            this.slot = slot;
        }

        abstract PlannedLayer head();

        abstract String op();

        abstract Tensor run(KernelLease<? extends Kernel> lease, Tensor[] values, float[][] slots);

        KernelDescriptor servedBy(KernelLease<? extends Kernel> lease) {
            return lease.servedBy();
        }

        /** What the step's kernel prepared (a new object after a swap, so the step's threads are measured again); null if nothing. */
        Object madeBy() {
            return null;
        }

        /** The layer it runs and its type; a conv step names its fused group. */
        String describeLayers() {
            return head().name() + " (" + head().type() + ")";
        }

        abstract String describeCall();

        Shape outputShape() {
            return head().outputShape();
        }

        /** Its buffer slot, or "new" for an output allocated per run. */
        String describeBuffer() {
            return slot < 0 ? "new (network output)" : "#" + slot;
        }
    }

    /** One layer through its operator contract, as {@link NetworkRunner} runs it. */
    private static final class LayerStep extends Step {
        private final PlannedLayer layer;
        private final LayerType type;
        private final Map<String, Tensor> params;

        LayerStep(PlannedLayer layer, int[] in, int value, Map<String, Tensor> params) {
            super(in, value, -1);
            this.layer = layer;
            this.type = LayerTypes.get(layer.type());
            this.params = params;
        }

        @Override
        PlannedLayer head() {
            return layer;
        }

        @Override
        String op() {
            return layer.op();
        }

        @Override
        Tensor run(KernelLease<? extends Kernel> lease, Tensor[] values, float[][] slots) {
            List<Tensor> inputs = new ArrayList<>(in.length);
            for (int i : in) {
                inputs.add(values[i]);
            }
            return type.run(lease == null ? null : lease.kernel(), layer.spec(), inputs, params);
        }

        @Override
        String describeCall() {
            return layer.op() == null ? "- (no kernel)" : layer.op();
        }

        @Override
        String describeBuffer() {
            return "new";
        }
    }

    /**
     * A concat into a buffer of the plan: the same copies as {@link Concat#apply} (each input's rows at their
     * offset), its dim and strides resolved once, and no per-run allocation (squeezenet's concat outputs are up to
     * 1.5 MB, beyond G1's humongous threshold: measured 1.1-10% of a run each under JFR).
     */
    private static final class ConcatStep extends Step {
        private final PlannedLayer layer;
        /** Rows (product of the dims before dim), floats per row of each input, floats per row of the output. */
        private final int outer, rowOut;
        private final int[] rows;
        /** Whether it joins rank-4 values along dim 1, which the kept layouts can do on channel blocks. */
        private final boolean channels;

        ConcatStep(PlannedLayer layer, int[] in, int value, int slot) {
            super(in, value, slot);
            this.layer = layer;
            Shape out = layer.outputShape();
            int dim = Concat.dim(layer.spec().attrs());
            int d = dim < 0 ? dim + out.rank() : dim;
            int o = 1, inner = 1;
            for (int k = 0; k < d; k++) {
                o *= out.dim(k);
            }
            for (int k = d + 1; k < out.rank(); k++) {
                inner *= out.dim(k);
            }
            this.outer = o;
            this.channels = out.rank() == 4 && d == 1;
            this.rowOut = out.dim(d) * inner;
            this.rows = new int[in.length];
            for (int i = 0; i < in.length; i++) {
                rows[i] = layer.inputShapes().get(i).dim(d) * inner;
            }
        }

        @Override
        PlannedLayer head() {
            return layer;
        }

        @Override
        String op() {
            return null;
        }

        @Override
        Tensor run(KernelLease<? extends Kernel> lease, Tensor[] values, float[][] slots) {
            float[] y = slot >= 0 ? slots[slot] : new float[layer.outputShape().size()];
            int offset = 0;
            for (int i = 0; i < in.length; i++) {
                float[] x = values[in[i]].buffer();
                int row = rows[i];
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(x, o * row, y, o * rowOut + offset, row);
                }
                offset += row;
            }
            return Tensor.wrap(layer.outputShape(), y);
        }

        boolean channelConcat() {
            return channels;
        }

        /**
         * The concat of kept values: per image, each input's channel blocks copied whole after the previous input's
         * (every input but the last fills its blocks; inputs and output share one layout, zero columns included), but
         * for the inputs that were written in place ({@link KeptLayouts#placedIn}).
         */
        Tensor runBlocked(KeptLayouts k, float[][] blocked) {
            ChannelBlocks out = k.written(value);
            Shape o = layer.outputShape();
            int n = o.dim(0), perRow = o.dim(2) * out.width() * out.lanes();
            int outBlocks = (o.dim(1) + out.lanes() - 1) / out.lanes();
            float[] y = blocked[value];
            int offset = 0;
            for (int i = 0; i < in.length; i++) {
                int blocks = (layer.inputShapes().get(i).dim(1) + out.lanes() - 1) / out.lanes();
                if (k.placedIn(in[i]) != value) { // a placed input wrote itself here
                    for (int image = 0; image < n; image++) {
                        System.arraycopy(blocked[in[i]], image * blocks * perRow, y, (image * outBlocks + offset) * perRow, blocks * perRow);
                    }
                }
                offset += blocks;
            }
            return null;
        }

        @Override
        String describeCall() {
            return "- (copy into the plan's buffer)";
        }
    }

    /**
     * A max pool into a buffer of the plan, values only, its geometry resolved once; with kept layouts, on its kernel's
     * blocked entry point ({@link MaxPool2dKernel#blocked}), made per set of serving kernels as a conv step prepares.
     * A geometry with windows that miss the input (ONNX's form: their values are set after the kernel) stays NCHW.
     */
    private static final class PoolStep extends Step {
        private final PlannedLayer layer;
        private final PoolGeometry g;
        /** The blocked entry point and the lease kernels key it was made under (its pool null: none). */
        private final AtomicReference<Blocked> blocked = new AtomicReference<>();

        private record Blocked(Object kernelsKey, BlockedMaxPool2d pool, KernelDescriptor madeBy) {
        }

        PoolStep(PlannedLayer layer, int[] in, int value, int slot) {
            super(in, value, slot);
            this.layer = layer;
            this.g = MaxPool2d.geometry(layer.inputShapes().get(0), MaxPool2d.attrs(layer.spec().attrs()));
        }

        @Override
        PlannedLayer head() {
            return layer;
        }

        @Override
        String op() {
            return layer.op();
        }

        @Override
        Tensor run(KernelLease<? extends Kernel> lease, Tensor[] values, float[][] slots) {
            float[] y = slot >= 0 ? slots[slot] : new float[layer.outputShape().size()];
            MaxPool2d.valuesInto((MaxPool2dKernel) lease.kernel(), g, values[in[0]].buffer(), y);
            return Tensor.wrap(layer.outputShape(), y);
        }

        /** The blocked entry point of the lease's kernels for this geometry (made again when they changed), or null. */
        BlockedMaxPool2d blocked(KernelLease<MaxPool2dKernel> lease) {
            if (lease == null || MaxPool2d.hasEmptyWindows(g)) {
                return null;
            }
            Object key = lease.kernelsKey();
            Blocked b = blocked.get();
            if (b == null || !b.kernelsKey().equals(key)) {
                BlockedMaxPool2d made = lease.kernel().blocked(g);
                b = new Blocked(key, made, lease.servedBy());
                blocked.set(b);
            }
            return b.pool();
        }

        /**
         * The pool of a kept input into a kept output on the entry point the decision was made with. If it throws, the
         * step answers through the plain call on the lease's chain (the input converted to NCHW, the output back to
         * blocks) and the layouts are decided again next run.
         */
        Tensor runBlocked(KernelLease<? extends Kernel> lease, KeptLayouts k, float[][] buffers, int index, AtomicReference<KeptLayouts> decided) {
            ChannelBlocks xl = k.read(in[0]), yl = k.written(value);
            float[] x = buffers[in[0]], y = buffers[value];
            try {
                k.pools[index].run(x, xl, y, yl);
            } catch (RuntimeException e) {
                decided.compareAndSet(k, null);
                blocked.set(null);
                float[] xn = new float[g.n() * g.c() * g.h() * g.w()], yn = new float[g.n() * g.c() * g.oh() * g.ow()];
                xl.toNchw(g.n(), g.c(), g.h(), g.w(), x, xn);
                MaxPool2d.valuesInto((MaxPool2dKernel) lease.kernel(), g, xn, yn);
                yl.fromNchw(g.n(), g.c(), g.oh(), g.ow(), yn, y);
            }
            return null;
        }

        @Override
        KernelDescriptor servedBy(KernelLease<? extends Kernel> lease) {
            Blocked b = blocked.get();
            return b == null || b.pool() == null ? lease.servedBy() : b.madeBy();
        }

        @Override
        Object madeBy() {
            Blocked b = blocked.get();
            return b == null ? null : b.pool();
        }

        @Override
        String describeCall() {
            return "max_pool2d, values only";
        }
    }

    /** A conv2d and what is fused into it, on a prepared kernel. */
    private static final class ConvStep extends Step {
        final Group group;
        private final ConvGeometry g;
        private final float[] weight, bias;
        private final Epilogue epilogue;
        private final boolean hasBias;
        /** The prepared object and the lease kernels key it was made under. */
        private final AtomicReference<Prepared> prepared = new AtomicReference<>();

        private record Prepared(Object kernelsKey, PreparedConv2d conv, KernelDescriptor madeBy) {
        }

        ConvStep(Group group, int[] in, int value, int slot, Weights weights, BatchNormFold folder) {
            super(in, value, slot);
            this.group = group;
            this.g = group.geometry();
            this.hasBias = group.batchNorm() != null || group.head().node().optional("bias") != null;
            Map<String, Tensor> p = weights == null ? Map.of() : weights.of(group.head().name());
            float[] w = data(p.get("weight")), b = data(p.get("bias"));
            if (group.batchNorm() != null && weights != null) {
                Map<String, Tensor> bn = weights.of(group.batchNorm().name());
                double eps = BatchNorm.attrs(group.batchNorm().node().attrs()).eps();
                float[][] f = folder.fold(w, b, data(bn.get("weight")), data(bn.get("bias")), data(bn.get("running_mean")),
                        data(bn.get("running_var")), eps, g.cOut());
                w = f[0];
                b = f[1];
            }
            this.weight = w;
            this.bias = b;
            Epilogue e = Epilogue.NONE;
            if (group.add() != null) {
                e = e.withResidual();
            }
            if (group.activation() != null) {
                e = e.withActivation(group.activationAttrs());
            }
            this.epilogue = e;
        }

        private static float[] data(Tensor t) {
            return t == null ? null : t.buffer();
        }

        @Override
        PlannedLayer head() {
            return group.head();
        }

        @Override
        String op() {
            return group.head().op();
        }

        @Override
        @SuppressWarnings("unchecked")
        Tensor run(KernelLease<? extends Kernel> lease, Tensor[] values, float[][] slots) {
            KernelLease<Conv2dKernel> conv = (KernelLease<Conv2dKernel>) lease;
            float[] x = values[in[0]].buffer();
            float[] residual = group.residual() == null ? null : values[in[1]].buffer();
            float[] y = slot >= 0 ? slots[slot] : new float[group.last().outputShape().size()];
            Prepared p = prepared(conv);
            try {
                p.conv().run(x, residual, y);
            } catch (RuntimeException e) {
                prepared.compareAndSet(p, null); // prepare again next run; this one answers through the chain
                conv.kernel().conv2d(g, x, weight, bias, y);
                epilogue.applyAll(y, g.cOut(), g.oh() * g.ow(), residual);
            }
            return Tensor.wrap(group.last().outputShape(), y);
        }

        /** The prepared conv for the lease's kernels: made again when they changed. */
        Prepared prepared(KernelLease<Conv2dKernel> conv) {
            Object key = conv.kernelsKey();
            Prepared p = prepared.get();
            if (p == null || !p.kernelsKey().equals(key)) {
                PreparedConv2d made = conv.kernel().prepare(g, weight, bias, epilogue);
                p = new Prepared(key, made, conv.servedBy());
                prepared.set(p);
            }
            return p;
        }

        /**
         * The step with the layouts of {@code k}: x, residual and output each NCHW or blocked as decided, on the
         * prepared conv the decision was made with. Returns the output tensor, or null when the output is kept
         * blocked (in {@code blocked[value]}). If the prepared run throws, the step answers through the plain call
         * on the lease's chain (blocked inputs converted to NCHW, the output converted back) and the layouts are
         * decided again next run.
         */
        @SuppressWarnings("unchecked")
        Tensor runKept(KernelLease<? extends Kernel> lease, Tensor[] values, float[][] slots, KeptLayouts k, float[][] blocked, int index,
                AtomicReference<KeptLayouts> decided) {
            ChannelBlocks xl = k.read(in[0]), rl = group.residual() == null ? null : k.read(in[1]), yl = k.written(value);
            if (xl == null && rl == null && yl == null) {
                return run(lease, values, slots);
            }
            float[] x = xl == null ? values[in[0]].buffer() : blocked[in[0]];
            float[] residual = group.residual() == null ? null : rl == null ? values[in[1]].buffer() : blocked[in[1]];
            Shape out = group.last().outputShape();
            float[] y = yl != null ? blocked[value] : slot >= 0 ? slots[slot] : new float[out.size()];
            PreparedBlockedConv2d p = (PreparedBlockedConv2d) k.prepared[index];
            boolean placed = k.placedIn(value) >= 0;
            try {
                if (placed) {
                    p.run(x, xl, residual, rl, y, k.offset(value), yl);
                } else {
                    p.run(x, xl, residual, rl, y, yl);
                }
            } catch (RuntimeException e) {
                decided.compareAndSet(k, null);
                prepared.set(null);
                KernelLease<Conv2dKernel> conv = (KernelLease<Conv2dKernel>) lease;
                float[] xn = xl == null ? x : nchw(xl, g.inputShape(), x), rn = rl == null ? residual : nchw(rl, out, residual);
                float[] yn = yl == null ? y : new float[out.size()];
                conv.kernel().conv2d(g, xn, weight, bias, yn);
                epilogue.applyAll(yn, g.cOut(), g.oh() * g.ow(), rn);
                if (placed) {
                    float[] own = new float[(int) yl.size(out.dim(0), out.dim(1), out.dim(2), out.dim(3))];
                    yl.fromNchw(out.dim(0), out.dim(1), out.dim(2), out.dim(3), yn, own);
                    System.arraycopy(own, 0, y, k.offset(value), own.length);
                } else if (yl != null) {
                    yl.fromNchw(out.dim(0), out.dim(1), out.dim(2), out.dim(3), yn, y);
                }
            }
            return yl == null ? Tensor.wrap(out, y) : null;
        }

        private static float[] nchw(ChannelBlocks layout, Shape s, float[] blocked) {
            float[] r = new float[s.size()];
            layout.toNchw(s.dim(0), s.dim(1), s.dim(2), s.dim(3), blocked, r);
            return r;
        }

        @Override
        KernelDescriptor servedBy(KernelLease<? extends Kernel> lease) {
            Prepared p = prepared.get();
            return p == null ? lease.servedBy() : p.madeBy();
        }

        @Override
        Object madeBy() {
            Prepared p = prepared.get();
            return p == null ? null : p.conv();
        }

        @Override
        String describeLayers() {
            return group.describe();
        }

        @Override
        String describeCall() {
            return "conv2d prepared, epilogue: " + (group.batchNorm() != null ? "bias (bn folded)" : hasBias ? "bias" : "no bias")
                    + (epilogue.isNone() ? "" : ", " + epilogue.describe());
        }

        @Override
        Shape outputShape() {
            return group.last().outputShape();
        }
    }

    /** Each step's thread choice (null: not chosen, or the flop rule), for tests. */
    List<StepThreads.Mode> threadChoices() {
        List<StepThreads.Mode> r = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            r.add(threads.chosen(i));
        }
        return r;
    }

    /** Layer names by step, for tests. */
    List<List<String>> stepLayers() {
        List<List<String>> r = new ArrayList<>();
        for (Step s : steps) {
            r.add(s instanceof ConvStep c ? c.group.layers().stream().map(PlannedLayer::name).toList() : List.of(s.head().name()));
        }
        return r;
    }

    /** Buffer slot per step (-1: allocated), for tests. */
    Map<String, Integer> slotsByStep() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Step s : steps) {
            m.put(s.head().name(), s.slot);
        }
        return m;
    }
}
