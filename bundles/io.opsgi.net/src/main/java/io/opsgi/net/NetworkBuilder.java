package io.opsgi.net;

import io.opsgi.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java form of a network description, equivalent to the JSON one:
 * <pre>
 * NetworkDescription d = NetworkBuilder.network("basic_block", 1, 64, 56, 56).seeded(1)
 *     .conv2d("conv1", 64, 64, 3, "padding", 1, "bias", false).batchNorm("bn1", 64).layer("relu1", "relu")
 *     .conv2d("conv2", 64, 64, 3, "padding", 1, "bias", false).batchNorm("bn2", 64)
 *     .add("add", "bn2", "input").layer("relu2", "relu")
 *     .build();
 * </pre>
 * Each layer reads the one added before it unless {@link #from} says otherwise. Attributes are given
 * as alternating names and values, in PyTorch's terms. Nothing is checked before {@link Network#plan}.
 */
public final class NetworkBuilder {
    private final String name;
    private final Shape input;
    private WeightSource weights = new WeightSource.Seeded(0);
    private final List<LayerSpec> layers = new ArrayList<>();
    private List<String> outputs = List.of();

    private NetworkBuilder(String name, Shape input) {
        this.name = name;
        this.input = input;
    }

    public static NetworkBuilder network(String name, int... inputShape) {
        return new NetworkBuilder(name, Shape.of(inputShape));
    }

    public NetworkBuilder seeded(long seed) {
        weights = new WeightSource.Seeded(seed);
        return this;
    }

    public NetworkBuilder npy(Path dir) {
        weights = new WeightSource.NpyFiles(dir);
        return this;
    }

    /** A layer of any type, with attributes as alternating names and values. */
    public NetworkBuilder layer(String layerName, String type, Object... attrs) {
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name/value pairs, got " + attrs.length + " values for layer " + layerName);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < attrs.length; i += 2) {
            m.put((String) attrs[i], attrs[i + 1]);
        }
        layers.add(new LayerSpec(layerName, type, null, m));
        return this;
    }

    /** The inputs of the layer added last (instead of the one before it); {@code "input"} is the network's input. */
    public NetworkBuilder from(String... inputs) {
        LayerSpec last = layers.remove(layers.size() - 1);
        layers.add(new LayerSpec(last.name(), last.type(), List.of(inputs), last.attrs()));
        return this;
    }

    /** nn.Conv2d(in, out, kernel_size, **more). */
    public NetworkBuilder conv2d(String layerName, int in, int out, int kernelSize, Object... more) {
        return layer(layerName, "conv2d", concat(new Object[] {"in_channels", in, "out_channels", out, "kernel_size", kernelSize}, more));
    }

    /** nn.BatchNorm2d(features, **more). */
    public NetworkBuilder batchNorm(String layerName, int features, Object... more) {
        return layer(layerName, "batch_norm", concat(new Object[] {"num_features", features}, more));
    }

    /** nn.Linear(in, out, **more). */
    public NetworkBuilder linear(String layerName, int in, int out, Object... more) {
        return layer(layerName, "linear", concat(new Object[] {"in_features", in, "out_features", out}, more));
    }

    /** A residual add of two layers' results. */
    public NetworkBuilder add(String layerName, String a, String b) {
        return layer(layerName, "add").from(a, b);
    }

    /** Which layer's result is the output (default: the last one added). */
    public NetworkBuilder output(String layerName) {
        outputs = List.of(layerName);
        return this;
    }

    /** The network's outputs in order: layer names, or {@link NetworkDescription#INPUT} (default: the last layer added). */
    public NetworkBuilder outputs(String... values) {
        outputs = List.of(values);
        return this;
    }

    public NetworkDescription build() {
        return new NetworkDescription(name, input, weights, layers, outputs);
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] r = new Object[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
