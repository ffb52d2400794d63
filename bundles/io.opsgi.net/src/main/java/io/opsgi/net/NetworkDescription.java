package io.opsgi.net;

import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A network as a person writes it: a name, the input's shape, where the weights come from, the
 * layers in order, and which layer's result is the output (null: the last one written). Read it from
 * JSON with {@link #read}, or build it with {@link NetworkBuilder}. Nothing is checked here:
 * {@link Network#plan} does that.
 */
public record NetworkDescription(String name, Shape inputShape, WeightSource weights, List<LayerSpec> layers, String output) {
    /** The name a layer uses to read the network's input. */
    public static final String INPUT = "input";

    public NetworkDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(weights, "weights");
        layers = List.copyOf(layers);
    }

    /** Reads a JSON description (format: examples/README.md); a relative weight folder is resolved against the file's folder. */
    public static NetworkDescription read(Path file) throws IOException {
        return NetworkJson.read(file);
    }

    /** The same network with other weights (e.g. seeded ones for shape work). */
    public NetworkDescription withWeights(WeightSource w) {
        return new NetworkDescription(name, inputShape, w, layers, output);
    }

    /** The same network for another input shape (e.g. the batch of the data it is run on). */
    public NetworkDescription withInputShape(Shape s) {
        return new NetworkDescription(name, s, weights, layers, output);
    }
}
