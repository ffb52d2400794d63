package io.opsgi.net;

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
    /** Per value: the layout its producer writes and the layout its readers read (null: NCHW); equal unless a test skews them. */
    private final ChannelBlocks[] written, read;
    /** Per value: its buffer in a set ({@code -1}: not blocked); per buffer: its size. */
    private final int[] bufferOf, bufferSizes;
    private final ConcurrentLinkedQueue<float[][]> buffers = new ConcurrentLinkedQueue<>();

    private KeptLayouts(Object kernelsKey, PreparedConv2d[] prepared, ChannelBlocks[] written, ChannelBlocks[] read, int[] bufferOf, int[] bufferSizes) {
        this.kernelsKey = kernelsKey;
        this.prepared = prepared;
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
     * Decides the layouts. {@code readers[v]}: for value v, the steps reading it ({@code convs} and {@code concats} by
     * step index; a reader that is neither is absent from both); the network's outputs ({@code outputs[v]}) stay NCHW. {@code skew} maps the
     * layout a value's producer is told to write (identity in the product; tests make a wrong hand-off with it).
     *
     * <p>A value is kept blocked when its producer writes blocks (a conv whose prepared conv does, or a channel concat
     * of kept values of one owner) and every reader reads them (a conv reading blocks of that owner, or such a concat).
     * A concat's inputs and output share one layout, so their zero columns are the widest any reader of any of them
     * needs, and the concat copies whole blocks.
     */
    static KeptLayouts decide(Object kernelsKey, int steps, int values, List<ConvUse> convs, List<ConcatUse> concats, List<List<Integer>> readers,
            boolean[] outputs, UnaryOperator<ChannelBlocks> skew) {
        PreparedConv2d[] prepared = new PreparedConv2d[steps];
        ConvUse[] byStep = new ConvUse[steps];
        ConcatUse[] concatAt = new ConcatUse[steps];
        for (ConvUse c : convs) {
            prepared[c.step()] = c.conv();
            byStep[c.step()] = c;
        }
        concats.forEach(c -> concatAt[c.step()] = c);
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
        for (ConcatUse c : concats) { // in step order: a concat's inputs are decided before it
            shapes[c.value()] = c.output();
            Object o = owner[c.inputs()[0]];
            boolean joins = !outputs[c.value()] && c.output().rank() == 4 && o != null;
            for (int i = 0; joins && i < c.inputs().length; i++) {
                int in = c.inputs()[i];
                joins = o.equals(owner[in]) && lanes[in] == lanes[c.inputs()[0]] && (i == c.inputs().length - 1 || c.channels()[i] % lanes[in] == 0);
            }
            if (joins) {
                owner[c.value()] = o;
                lanes[c.value()] = lanes[c.inputs()[0]];
            }
        }
        ConcatUse[] concatOf = new ConcatUse[values];
        concats.forEach(c -> concatOf[c.value()] = c);
        ChannelBlocks[] layouts;
        do {
            // Drop what a reader cannot take, and concats of dropped values, until nothing changes.
            for (boolean changed = true; changed; ) {
                changed = false;
                for (int v = 0; v < values; v++) {
                    if (owner[v] != null && !keepable(v, owner, lanes, byStep, concatAt, concatOf[v], readers.get(v))) {
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
        int[] produced = new int[steps];
        Arrays.fill(produced, -1);
        convs.forEach(c -> produced[c.step()] = c.value());
        concats.forEach(c -> produced[c.step()] = c.value());
        int[] bufferOf = new int[values];
        return new KeptLayouts(kernelsKey, prepared, written, layouts, bufferOf, share(produced, readers, sizes, bufferOf));
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
     * v is its input, or a kept concat), and if a concat makes it, every value it joins is kept.
     */
    private static boolean keepable(int v, Object[] owner, int[] lanes, ConvUse[] byStep, ConcatUse[] concatAt, ConcatUse madeBy, List<Integer> readers) {
        if (readers.isEmpty()) {
            return false;
        }
        for (int r : readers) {
            ConvUse reader = byStep[r];
            boolean ok = reader != null ? reader.conv() instanceof PreparedBlockedConv2d q && q.layoutOwner().equals(owner[v]) && q.lanes() == lanes[v]
                    && (reader.x() != v || q.readsBlocked())
                    : concatAt[r] != null && owner[concatAt[r].value()] != null;
            if (!ok) {
                return false;
            }
        }
        if (madeBy != null) {
            for (int in : madeBy.inputs()) {
                if (owner[in] == null) {
                    return false;
                }
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
     * buffer that holds it, else a new one. {@code produced[step]}: the value a step writes, or -1. Fills
     * {@code bufferOf} and returns the buffers' sizes.
     */
    private static int[] share(int[] produced, List<List<Integer>> readers, int[] sizes, int[] bufferOf) {
        Arrays.fill(bufferOf, -1);
        int[] lastRead = new int[sizes.length];
        for (int v = 0; v < sizes.length; v++) {
            lastRead[v] = readers.get(v).stream().mapToInt(Integer::intValue).max().orElse(-1);
        }
        List<Integer> bufferSizes = new ArrayList<>();
        TreeSet<int[]> free = new TreeSet<>((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (int step = 0; step < produced.length; step++) {
            int value = produced[step];
            if (value >= 0 && sizes[value] > 0) {
                int[] fit = free.ceiling(new int[] {sizes[value], -1});
                if (fit != null) {
                    free.remove(fit);
                    bufferOf[value] = fit[1];
                } else {
                    bufferOf[value] = bufferSizes.size();
                    bufferSizes.add(sizes[value]);
                }
            }
            for (int v = 0; v < sizes.length; v++) {
                if (bufferOf[v] >= 0 && lastRead[v] == step) {
                    free.add(new int[] {bufferSizes.get(bufferOf[v]), bufferOf[v]});
                }
            }
        }
        return bufferSizes.stream().mapToInt(Integer::intValue).toArray();
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
