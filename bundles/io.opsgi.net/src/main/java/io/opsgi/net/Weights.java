package io.opsgi.net;

import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** The parameters and buffers of a planned network, by layer and state_dict name, loaded or generated once. */
public final class Weights {
    private final Map<String, Map<String, Tensor>> byLayer;

    private Weights(Map<String, Map<String, Tensor>> byLayer) {
        this.byLayer = byLayer;
    }

    /**
     * Reads the NPY files (already checked by {@link Network#plan}) or generates the seeded values.
     * A network whose weights and activations cannot fit in the heap is refused first, with the
     * numbers ({@link Footprint}); a file whose data is truncated or changed since the plan, with its name.
     */
    public static Weights load(Network net) throws IOException {
        Footprint.of(net).requireFitsHeap();
        Map<String, Map<String, Tensor>> all = new HashMap<>();
        WeightSource source = net.description().weights();
        for (PlannedLayer l : net.layers()) {
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (ParamSpec p : l.params()) {
                Tensor t;
                if (source instanceof WeightSource.InMemory m) {
                    // checked by the plan
                    t = m.layers().getOrDefault(l.name(), Map.of()).get(p.name());
                } else if (source instanceof WeightSource.NpyFiles f) {
                    Path file = Network.weightFile(f.dir(), l.name(), p.name());
                    try {
                        t = Npy.readFloat(file);
                    } catch (Npy.NpyException e) {
                        throw new NetworkException(l.index(), l.name(), l.type(), "weight_file", e.getMessage(), e);
                    }
                    if (!t.shape().equals(p.shape())) {
                        // the file changed since the plan checked its header
                        throw new NetworkException(l.index(), l.name(), l.type(), "weight_shape", file.getFileName() + " has shape " + t.shape()
                                + ", expected " + p.shape(), null);
                    }
                } else {
                    t = seeded(((WeightSource.Seeded) source).seed(), l.name(), p);
                }
                params.put(p.name(), t);
            }
            all.put(l.name(), params);
        }
        return new Weights(all);
    }

    /** Uniform in ±1/sqrt(fan_in) for weights and biases, the constant fill otherwise; one stream per (seed, layer, parameter). */
    private static Tensor seeded(long seed, String layer, ParamSpec p) {
        float[] d = new float[p.shape().size()];
        if (p.fanIn() == 0) {
            java.util.Arrays.fill(d, p.fill());
        } else {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + (layer + "." + p.name()).hashCode());
            double bound = 1 / Math.sqrt(p.fanIn());
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
            }
        }
        return Tensor.wrap(p.shape(), d);
    }

    /** The parameters of {@code layer} by state_dict name (empty for layers without any). */
    public Map<String, Tensor> of(String layer) {
        return byLayer.getOrDefault(layer, Map.of());
    }

    public Tensor get(String layer, String param) {
        return of(layer).get(param);
    }
}
