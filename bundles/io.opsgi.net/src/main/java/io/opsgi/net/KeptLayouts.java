package io.opsgi.net;

import io.opsgi.op.ChannelBlocks;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import io.opsgi.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Blocked values have buffers of their own (one set per concurrent run), not the liveness pool of the NCHW
 * values: their sizes are known only once the kernels are.
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
    private final int[] sizes;
    private final ConcurrentLinkedQueue<float[][]> buffers = new ConcurrentLinkedQueue<>();

    private KeptLayouts(Object kernelsKey, PreparedConv2d[] prepared, ChannelBlocks[] written, ChannelBlocks[] read, int[] sizes) {
        this.kernelsKey = kernelsKey;
        this.prepared = prepared;
        this.written = written;
        this.read = read;
        this.sizes = sizes;
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
        return new KeptLayouts(kernelsKey, prepared, written, read, sizes);
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
            b = new float[sizes.length][];
            for (int v = 0; v < sizes.length; v++) {
                b[v] = sizes[v] == 0 ? null : new float[sizes[v]];
            }
        }
        return b;
    }

    void release(float[][] b) {
        buffers.offer(b);
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
