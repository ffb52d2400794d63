package io.opsgi.net;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The heap a run of a planned network needs at least, known before anything is allocated: its
 * weights and buffers, plus the most float32 activations alive at once (the input and each layer's
 * output live until their last reader has run, as {@link NetworkRunner} keeps them). Kernel scratch
 * space (im2col and packing buffers) comes on top, so a network that fits here may still need more.
 */
public record Footprint(long weightBytes, long peakActivationBytes) {

    public static Footprint of(Network net) {
        long weights = 0;
        for (PlannedLayer l : net.layers()) {
            weights = Network.saturatingSum(weights, 4 * (l.parameters() + l.buffers()));
        }
        return new Footprint(weights, peakActivations(net));
    }

    /** Replays the runner's lifetimes: an output is allocated while its inputs are alive, inputs go after their last reader. */
    private static long peakActivations(Network net) {
        List<PlannedLayer> layers = net.layers();
        Map<String, Integer> lastUse = new HashMap<>();
        for (int step = 0; step < layers.size(); step++) {
            for (String n : layers.get(step).inputs()) {
                lastUse.put(n, step);
            }
        }
        Map<String, Long> alive = new HashMap<>();
        alive.put(NetworkDescription.INPUT, 4L * net.inputShape().size());
        long live = alive.get(NetworkDescription.INPUT), peak = live;
        for (int step = 0; step < layers.size(); step++) {
            PlannedLayer l = layers.get(step);
            long out = 4L * l.outputShape().size();
            live += out;
            peak = Math.max(peak, live);
            alive.put(l.name(), out);
            for (String n : l.inputs()) {
                if (lastUse.get(n) == step && !net.isOutput(n)) {
                    Long gone = alive.remove(n);
                    live -= gone == null ? 0 : gone;
                }
            }
        }
        return peak;
    }

    public long totalBytes() {
        return Network.saturatingSum(weightBytes, peakActivationBytes);
    }

    /**
     * Refuses, with the numbers and the way to give the JVM more, a network that cannot fit in the
     * {@code available} bytes of heap: one line instead of an OutOfMemoryError halfway through loading.
     */
    public void requireFits(long available, long maxHeap) {
        if (totalBytes() > available) {
            throw new NetworkException("heap", String.format(Locale.ROOT,
                    "the network needs at least %s of heap (weights %s, largest live activations %s) but only %s of the %s maximum is free;"
                            + " give the JVM more, e.g. OPSGI_JAVA_OPTS=-Xmx%dg", gib(totalBytes()), gib(weightBytes), gib(peakActivationBytes),
                    gib(available), gib(maxHeap), suggestedGib(maxHeap)));
        }
    }

    /** Checks against this JVM's heap: its maximum less what is in use now. */
    public void requireFitsHeap() {
        Runtime rt = Runtime.getRuntime();
        requireFits(rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()), rt.maxMemory());
    }

    /** The heap to ask for: the need plus what the JVM already holds, rounded up to whole GiB. */
    private long suggestedGib(long maxHeap) {
        Runtime rt = Runtime.getRuntime();
        long want = Network.saturatingSum(totalBytes(), rt.totalMemory() - rt.freeMemory(), 1L << 30);
        return Math.max(want >> 30, (maxHeap >> 30) + 1);
    }

    static String gib(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
