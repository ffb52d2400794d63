package io.opsgi.net;

import io.opsgi.op.BlockedMaxPool2d;
import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import io.opsgi.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

/**
 * Which values of a fused plan stay channel-blocked between steps ({@link ChannelBlocks}), decided once per set of
 * serving kernels: a conv step's output is kept blocked when its prepared conv writes blocks and every step reading
 * it takes them: a conv step whose prepared conv reads them (as its input, or as its residual) with the same
 * {@link PreparedBlockedConv2d#layoutOwner() layout owner}, or a channel concat whose output is kept too (it copies
 * whole blocks: SqueezeNet's fire modules). Everything else (pools, linear, flatten, a kernel without a blocked entry
 * point, the network's outputs) stays NCHW, so conversion happens once, inside the first and the last conv of a
 * blocked run. The zero columns of a kept value are the widest any of its readers needs. A layout belongs to the
 * kernels that decided it: when the lease's kernels change the plan prepares again and decides again (a run in
 * flight finishes on its own decision).
 *
 * <p>Blocked values have buffers of their own (one set per concurrent run), apart from the NCHW values' (their
 * sizes are known only once the kernels are), reused by liveness as those are: a buffer whose value's last reader
 * has run takes a later step's output, so a network blocked from end to end keeps a few buffers hot in cache
 * instead of one per layer.
 */
final class KeptLayouts {
    /** A conv step as this decision sees it: its prepared conv, the values it reads (x, residual or -1), its output. */
    record ConvUse(int step, PreparedConv2d conv, int x, int residual, int value, Shape output) {
    }

    final Object kernelsKey;
    /** Per step index: the prepared conv it runs (null: not a conv step). */
    final PreparedConv2d[] prepared;
    /** Per step index: the blocked pool it runs when its values are kept (null: not a pool step, or no blocked entry point). */
    final BlockedMaxPool2d[] pools;
    /** Per value: the layout its producer writes and the layout its readers read (null: NCHW); equal unless a test skews them. */
    private final ChannelBlocks[] written, read;
    /** Per value: the concat it is written into ({@code -1}: none) and its first float there. */
    private final int[] placedIn, offsets;
    /** Per value: its buffer in a set ({@code -1}: not blocked); per buffer: its size. */
    private final int[] bufferOf, bufferSizes;
    private final ConcurrentLinkedQueue<float[][]> buffers = new ConcurrentLinkedQueue<>();

    private KeptLayouts(Object kernelsKey, PreparedConv2d[] prepared, BlockedMaxPool2d[] pools, ChannelBlocks[] written, ChannelBlocks[] read,
            int[] placedIn, int[] offsets, int[] bufferOf, int[] bufferSizes) {
        this.placedIn = placedIn;
        this.offsets = offsets;
        this.kernelsKey = kernelsKey;
        this.prepared = prepared;
        this.pools = pools;
        this.written = written;
        this.read = read;
        this.bufferOf = bufferOf;
        this.bufferSizes = bufferSizes;
    }

    /**
     * A channel concat step as this decision sees it (rank-4 values joined along dim 1): the values it joins, their
     * channel counts, its output. Kept blocked, it copies whole channel blocks, so every input but the last must fill
     * its blocks ({@code channels % lanes == 0}).
     */
    record ConcatUse(int step, int[] inputs, int[] channels, int value, Shape output) {
    }

    /**
     * A max_pool2d step as this decision sees it: the kernel's blocked entry point for its geometry (null: none), the
     * value it reads, its output. Kept blocked, it reads and writes channel blocks of one owner, so its input and its
     * output are kept together or not at all.
     */
    record PoolUse(int step, BlockedMaxPool2d pool, int x, int value, Shape output) {
    }

    /**
     * Decides the layouts. {@code readers[v]}: for value v, the steps reading it ({@code convs}, {@code concats} and
     * {@code pools} by step index; a reader that is none of them is absent from all); the network's outputs
     * ({@code outputs[v]}) stay NCHW. {@code skew} maps the layout a value's producer is told to write (identity in the
     * product; tests make a wrong hand-off with it).
     *
     * <p>A value is kept blocked when its producer writes blocks (a conv whose prepared conv does, a channel concat of
     * kept values of one owner, a pool with a blocked entry point of its input's owner) and every reader reads them (a
     * conv reading blocks of that owner, or such a concat or pool). A concat's inputs and output share one layout, so
     * their zero columns are the widest any reader of any of them needs, and the concat copies whole blocks; a pool's
     * input and output have their own (it reads only the input's real columns).
     */
    static KeptLayouts decide(Object kernelsKey, int steps, int values, List<ConvUse> convs, List<ConcatUse> concats, List<PoolUse> pools,
            List<List<Integer>> readers, boolean[] outputs, UnaryOperator<ChannelBlocks> skew) {
        PreparedConv2d[] prepared = new PreparedConv2d[steps];
        BlockedMaxPool2d[] pooled = new BlockedMaxPool2d[steps];
        ConvUse[] byStep = new ConvUse[steps];
        int[][] madeFrom = new int[values][];
        boolean[] joins = new boolean[steps];
        for (ConvUse c : convs) {
            prepared[c.step()] = c.conv();
            byStep[c.step()] = c;
        }
        Shape[] shapes = new Shape[values];
        Object[] owner = new Object[values];
        int[] lanes = new int[values];
        for (ConvUse c : convs) {
            shapes[c.value()] = c.output();
            if (!outputs[c.value()] && c.conv() instanceof PreparedBlockedConv2d p && p.writesBlocked() && c.output().rank() == 4) {
                owner[c.value()] = p.layoutOwner();
                lanes[c.value()] = p.lanes();
            }
        }
        ConcatUse[] concatAt = new ConcatUse[steps];
        PoolUse[] poolAt = new PoolUse[steps];
        concats.forEach(c -> concatAt[c.step()] = c);
        pools.forEach(p -> poolAt[p.step()] = p);
        for (int step = 0; step < steps; step++) { // in step order: a concat's or a pool's inputs are decided before it
            int[] inputs;
            int value;
            boolean takes;
            if (concatAt[step] != null) {
                ConcatUse c = concatAt[step];
                inputs = c.inputs();
                value = c.value();
                shapes[value] = c.output();
                Object o = owner[inputs[0]];
                takes = o != null;
                for (int i = 0; takes && i < inputs.length; i++) {
                    int in = inputs[i];
                    takes = o.equals(owner[in]) && lanes[in] == lanes[inputs[0]] && (i == inputs.length - 1 || c.channels()[i] % lanes[in] == 0);
                }
            } else if (poolAt[step] != null) {
                PoolUse p = poolAt[step];
                inputs = new int[] {p.x()};
                value = p.value();
                shapes[value] = p.output();
                pooled[step] = p.pool();
                takes = p.pool() != null && owner[p.x()] != null && p.pool().layoutOwner().equals(owner[p.x()]) && p.pool().lanes() == lanes[p.x()];
            } else {
                continue;
            }
            joins[step] = true;
            madeFrom[value] = inputs;
            if (takes && !outputs[value] && shapes[value].rank() == 4) {
                owner[value] = owner[inputs[0]];
                lanes[value] = lanes[inputs[0]];
            }
        }
        int[] produced = new int[steps]; // per step, the value it writes (-1: none this decision knows)
        Arrays.fill(produced, -1);
        convs.forEach(c -> produced[c.step()] = c.value());
        concats.forEach(c -> produced[c.step()] = c.value());
        pools.forEach(p -> produced[p.step()] = p.value());
        ChannelBlocks[] layouts;
        do {
            // Drop what a reader cannot take, and concats and pools of dropped values, until nothing changes.
            for (boolean changed = true; changed; ) {
                changed = false;
                for (int v = 0; v < values; v++) {
                    if (owner[v] != null && !keepable(v, owner, lanes, byStep, joins, produced, madeFrom, readers.get(v))) {
                        owner[v] = null;
                        changed = true;
                    }
                }
            }
            layouts = layouts(values, owner, lanes, shapes, concats, byStep, readers);
        } while (layouts == null);
        ChannelBlocks[] written = new ChannelBlocks[values];
        int[] sizes = new int[values];
        for (int v = 0; v < values; v++) {
            if (layouts[v] != null) {
                written[v] = skew.apply(layouts[v]);
                sizes[v] = (int) layouts[v].size(shapes[v].dim(0), shapes[v].dim(1), shapes[v].dim(2), shapes[v].dim(3));
            }
        }
        int[] placedIn = new int[values], offsets = new int[values];
        place(concats, byStep, produced, readers, layouts, sizes, placedIn, offsets);
        int[] bufferOf = new int[values];
        return new KeptLayouts(kernelsKey, prepared, pooled, written, layouts, placedIn, offsets, bufferOf,
                share(produced, readers, sizes, placedIn, bufferOf));
    }

    /**
     * The convs a kept channel concat of one image joins, read by nothing else, write their outputs into their blocks of
     * the concat's buffer ({@link PreparedBlockedConv2d#run(float[], ChannelBlocks, float[], ChannelBlocks, float[], int,
     * ChannelBlocks)}), so the concat copies nothing (SqueezeNet's fire modules). Fills {@code placedIn} (per value: the
     * concat it is placed in, -1: its own buffer) and {@code offsets} (its first float there); a placed value needs no buffer.
     */
    private static void place(List<ConcatUse> concats, ConvUse[] byStep, int[] produced, List<List<Integer>> readers, ChannelBlocks[] layouts,
            int[] sizes, int[] placedIn, int[] offsets) {
        Arrays.fill(placedIn, -1);
        boolean[] byConv = new boolean[placedIn.length];
        for (ConvUse c : byStep) {
            if (c != null) {
                byConv[c.value()] = true;
            }
        }
        for (ConcatUse c : concats) {
            ChannelBlocks l = layouts[c.value()];
            if (l == null || c.output().dim(0) != 1) {
                continue;
            }
            long perBlock = (long) c.output().dim(2) * l.width() * l.lanes(), blocksBefore = 0;
            for (int i = 0; i < c.inputs().length; i++) {
                int in = c.inputs()[i];
                if (byConv[in] && placedIn[in] < 0 && readers.get(in).equals(List.of(c.step())) && once(in, c.inputs())) {
                    placedIn[in] = c.value();
                    offsets[in] = (int) (blocksBefore * perBlock);
                    sizes[in] = 0;
                }
                blocksBefore += (c.channels()[i] + l.lanes() - 1) / l.lanes();
            }
        }
    }

    private static boolean once(int value, int[] inputs) {
        return Arrays.stream(inputs).filter(v -> v == value).count() == 1;
    }

    /**
     * The layout of each kept value: one per group of values joined by concats, with the widest zero columns any conv
     * reading one of them needs. Null if a value would not fit in an array: its group is then dropped ({@code owner}
     * null) and the caller decides again.
     */
    private static ChannelBlocks[] layouts(int values, Object[] owner, int[] lanes, Shape[] shapes, List<ConcatUse> concats, ConvUse[] byStep,
            List<List<Integer>> readers) {
        int[] group = new int[values];
        for (int v = 0; v < values; v++) {
            group[v] = v;
        }
        for (ConcatUse c : concats) {
            if (owner[c.value()] != null) {
                for (int in : c.inputs()) {
                    group[root(group, in)] = root(group, c.value());
                }
            }
        }
        int[] left = new int[values], right = new int[values];
        for (int v = 0; v < values; v++) {
            for (int r : owner[v] == null ? List.<Integer>of() : readers.get(v)) {
                if (byStep[r] != null && byStep[r].x() == v) {
                    PreparedBlockedConv2d q = (PreparedBlockedConv2d) byStep[r].conv();
                    left[root(group, v)] = Math.max(left[root(group, v)], q.inputLeft());
                    right[root(group, v)] = Math.max(right[root(group, v)], q.inputRight());
                }
            }
        }
        ChannelBlocks[] layouts = new ChannelBlocks[values];
        for (int v = 0; v < values; v++) {
            if (owner[v] == null) {
                continue;
            }
            Shape s = shapes[v];
            int g = root(group, v);
            long width = (long) left[g] + s.dim(3) + right[g];
            ChannelBlocks layout = width > Integer.MAX_VALUE ? null : new ChannelBlocks(lanes[v], left[g], (int) width);
            if (layout == null || layout.size(s.dim(0), s.dim(1), s.dim(2), s.dim(3)) > Integer.MAX_VALUE - 64) {
                for (int u = 0; u < values; u++) {
                    if (root(group, u) == g) {
                        owner[u] = null;
                    }
                }
                return null;
            }
            layouts[v] = layout;
        }
        return layouts;
    }

    /**
     * Whether kept value v can stay blocked: every reader takes it so (a conv of its owner and lanes, reading blocks if
     * v is its input, or a concat or pool whose output is kept), and if a concat or pool makes it, every value it reads
     * is kept.
     */
    private static boolean keepable(int v, Object[] owner, int[] lanes, ConvUse[] byStep, boolean[] joins, int[] produced, int[][] madeFrom,
            List<Integer> readers) {
        if (readers.isEmpty()) {
            return false;
        }
        for (int r : readers) {
            ConvUse reader = byStep[r];
            boolean ok = reader != null ? reader.conv() instanceof PreparedBlockedConv2d q && q.layoutOwner().equals(owner[v]) && q.lanes() == lanes[v]
                    && (reader.x() != v || q.readsBlocked())
                    : joins[r] && owner[produced[r]] != null;
            if (!ok) {
                return false;
            }
        }
        for (int in : madeFrom[v] == null ? new int[0] : madeFrom[v]) {
            if (owner[in] == null) {
                return false;
            }
        }
        return true;
    }

    private static int root(int[] group, int v) {
        while (group[v] != v) {
            v = group[v] = group[group[v]];
        }
        return v;
    }

    /**
     * Gives each blocked value a buffer, reusing one whose value has been read for the last time (steps run in order;
     * a step's output is placed before its inputs are freed, so no step reads and writes one buffer): the smallest free
     * buffer that holds it, else a new one. A value placed in a concat's ({@code placedIn}) takes the concat's buffer,
     * which is taken when its first placed value is made and freed after the concat's last reader. {@code produced[step]}:
     * the value a step writes, or -1. Fills {@code bufferOf} and returns the buffers' sizes.
     */
    private static int[] share(int[] produced, List<List<Integer>> readers, int[] sizes, int[] placedIn, int[] bufferOf) {
        Arrays.fill(bufferOf, -1);
        int[] lastRead = new int[sizes.length];
        for (int v = 0; v < sizes.length; v++) {
            lastRead[v] = readers.get(v).stream().mapToInt(Integer::intValue).max().orElse(-1);
        }
        List<Integer> bufferSizes = new ArrayList<>();
        TreeSet<int[]> free = new TreeSet<>((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (int step = 0; step < produced.length; step++) {
            int made = produced[step];
            int value = made >= 0 && placedIn[made] >= 0 ? placedIn[made] : made;
            if (value >= 0 && sizes[value] > 0 && bufferOf[value] < 0) {
                int[] fit = free.ceiling(new int[] {sizes[value], -1});
                if (fit != null) {
                    free.remove(fit);
                    bufferOf[value] = fit[1];
                } else {
                    bufferOf[value] = bufferSizes.size();
                    bufferSizes.add(sizes[value]);
                }
            }
            if (made != value) {
                bufferOf[made] = bufferOf[value];
            }
            for (int v = 0; v < sizes.length; v++) {
                if (bufferOf[v] >= 0 && placedIn[v] < 0 && lastRead[v] == step) {
                    free.add(new int[] {bufferSizes.get(bufferOf[v]), bufferOf[v]});
                }
            }
        }
        return bufferSizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The concat whose buffer value v is written into (-1: v has its own), and its first float there. */
    int placedIn(int v) {
        return placedIn[v];
    }

    int offset(int v) {
        return offsets[v];
    }

    /** The layout the producer of value v writes (null: NCHW). */
    ChannelBlocks written(int v) {
        return written[v];
    }

    /** The layout the readers of value v read (null: NCHW). */
    ChannelBlocks read(int v) {
        return read[v];
    }

    boolean any() {
        for (ChannelBlocks c : written) {
            if (c != null) {
                return true;
            }
        }
        return false;
    }

    /** A set of blocked buffers for one run (index: value); give it back with {@link #release}. */
    float[][] take() {
        float[][] b = buffers.poll();
        if (b == null) {
            float[][] shared = new float[bufferSizes.length][];
            for (int i = 0; i < shared.length; i++) {
                shared[i] = new float[bufferSizes[i]];
            }
            b = new float[bufferOf.length][];
            for (int v = 0; v < bufferOf.length; v++) {
                b[v] = bufferOf[v] < 0 ? null : shared[bufferOf[v]];
            }
        }
        return b;
    }

    void release(float[][] b) {
        buffers.offer(b);
    }

    /** The buffer of kept value v in a set ({@code -1}: not kept), for the summary. */
    int bufferOf(int v) {
        return bufferOf[v];
    }

    /** Floats in one run's set of blocked buffers, for the summary. */
    long bufferFloats() {
        long f = 0;
        for (int size : bufferSizes) {
            f += size;
        }
        return f;
    }

    /** Buffers in one run's set, for the summary and tests. */
    int bufferCount() {
        return bufferSizes.length;
    }

    /** Values kept blocked, for tests. */
    List<Integer> keptValues() {
        List<Integer> r = new ArrayList<>();
        for (int v = 0; v < written.length; v++) {
            if (written[v] != null) {
                r.add(v);
            }
        }
        return r;
    }
}
