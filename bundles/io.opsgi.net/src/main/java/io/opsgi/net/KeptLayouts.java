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
 * Which values of a fused plan stay channel-blocked between conv steps ({@link ChannelBlocks}), decided once per
 * set of serving kernels: a conv step's output is kept blocked when its prepared conv writes blocks and every
 * step reading it is a conv step whose prepared conv reads them (as its input, or as its residual) with the same
 * {@link PreparedBlockedConv2d#layoutOwner() layout owner}; everything else (pools, linear, concat, flatten, a
 * kernel without a blocked entry point, the network's output) stays NCHW, so conversion happens once, inside the
 * first and the last conv of a blocked run. The zero columns of a kept value are the widest any of its readers
 * needs. A layout belongs to the kernels that decided it: when the lease's kernels change the plan prepares
 * again and decides again (a run in flight finishes on its own decision).
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
     * Decides the layouts. {@code readers[v]}: for value v, the steps reading it ({@code convs} by step index; a reader
     * that is not a conv step is absent from it); {@code outputValue} stays NCHW. {@code skew} maps the layout a value's
     * producer is told to write (identity in the product; tests make a wrong hand-off with it).
     */
    static KeptLayouts decide(Object kernelsKey, int steps, int values, List<ConvUse> convs, List<List<Integer>> readers, int outputValue,
            UnaryOperator<ChannelBlocks> skew) {
        PreparedConv2d[] prepared = new PreparedConv2d[steps];
        ConvUse[] byStep = new ConvUse[steps];
        for (ConvUse c : convs) {
            prepared[c.step()] = c.conv();
            byStep[c.step()] = c;
        }
        ChannelBlocks[] written = new ChannelBlocks[values], read = new ChannelBlocks[values];
        int[] sizes = new int[values];
        for (ConvUse producer : convs) {
            int v = producer.value();
            if (v == outputValue || !(producer.conv() instanceof PreparedBlockedConv2d p) || !p.writesBlocked() || producer.output().rank() != 4
                    || readers.get(v).isEmpty()) {
                continue;
            }
            int left = 0, right = 0;
            boolean keep = true;
            for (int r : readers.get(v)) {
                ConvUse reader = byStep[r];
                if (reader == null || !(reader.conv() instanceof PreparedBlockedConv2d q) || !q.layoutOwner().equals(p.layoutOwner())
                        || q.lanes() != p.lanes() || reader.x() == v && !q.readsBlocked()) {
                    keep = false;
                    break;
                }
                if (reader.x() == v) {
                    left = Math.max(left, q.inputLeft());
                    right = Math.max(right, q.inputRight());
                }
            }
            Shape s = producer.output();
            long width = (long) left + s.dim(3) + right;
            if (!keep || width > Integer.MAX_VALUE) {
                continue;
            }
            ChannelBlocks layout = new ChannelBlocks(p.lanes(), left, (int) width);
            long size = layout.size(s.dim(0), s.dim(1), s.dim(2), s.dim(3));
            if (size > Integer.MAX_VALUE - 64) {
                continue;
            }
            written[v] = skew.apply(layout);
            read[v] = layout;
            sizes[v] = (int) size;
        }
        int[] bufferOf = new int[values];
        return new KeptLayouts(kernelsKey, prepared, written, read, bufferOf, share(byStep, readers, sizes, bufferOf));
    }

    /**
     * Gives each blocked value a buffer, reusing one whose value has been read for the last time (steps run in order;
     * a step's output is placed before its inputs are freed, so no conv reads and writes one buffer): the smallest free
     * buffer that holds it, else a new one. Fills {@code bufferOf} and returns the buffers' sizes.
     */
    private static int[] share(ConvUse[] byStep, List<List<Integer>> readers, int[] sizes, int[] bufferOf) {
        Arrays.fill(bufferOf, -1);
        int[] lastRead = new int[sizes.length];
        for (int v = 0; v < sizes.length; v++) {
            lastRead[v] = readers.get(v).stream().mapToInt(Integer::intValue).max().orElse(-1);
        }
        List<Integer> bufferSizes = new ArrayList<>();
        TreeSet<int[]> free = new TreeSet<>((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (int step = 0; step < byStep.length; step++) {
            ConvUse c = byStep[step];
            if (c != null && sizes[c.value()] > 0) {
                int[] fit = free.ceiling(new int[] {sizes[c.value()], -1});
                if (fit != null) {
                    free.remove(fit);
                    bufferOf[c.value()] = fit[1];
                } else {
                    bufferOf[c.value()] = bufferSizes.size();
                    bufferSizes.add(sizes[c.value()]);
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
