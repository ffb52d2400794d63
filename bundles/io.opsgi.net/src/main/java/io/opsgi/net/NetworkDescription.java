package io.opsgi.net;

import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A network as a person writes it: a name, the input's shape, where the weights come from, the
 * layers in order, and which values are its outputs, in order: layer names, or {@link #INPUT} for
 * the input itself (returned as a copy); empty means the last layer written. Read it from JSON with
 * {@link #read}, or build it with {@link NetworkBuilder}. Nothing is checked here:
 * {@link Network#plan} does that.
 */
public record NetworkDescription(String name, Shape inputShape, WeightSource weights, List<LayerSpec> layers, List<String> outputs) {
    /** The name a layer uses to read the network's input. */
    public static final String INPUT = "input";

    public NetworkDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(weights, "weights");
        layers = List.copyOf(layers);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** A network with one output, layer {@code output} (null: the last layer written). */
    public NetworkDescription(String name, Shape inputShape, WeightSource weights, List<LayerSpec> layers, String output) {
        this(name, inputShape, weights, layers, output == null ? List.of() : List.of(output));
    }

    /**
     * The first output as written, or null when none is named (the last layer written). Kept for the one-output
     * networks most callers have: the first output is the model's main result (torch's first returned value,
     * the ONNX graph's first output).
     */
    public String output() {
        return outputs.isEmpty() ? null : outputs.get(0);
    }

    /** Reads a JSON description (format: examples/README.md); a relative weight folder is resolved against the file's folder. */
    public static NetworkDescription read(Path file) throws IOException {
        return NetworkJson.read(file);
    }

    /** The same network with other weights (e.g. seeded ones for shape work). */
    public NetworkDescription withWeights(WeightSource w) {
        return new NetworkDescription(name, inputShape, w, layers, outputs);
    }

    /** The same network for another input shape (e.g. the batch of the data it is run on). */
    public NetworkDescription withInputShape(Shape s) {
        return new NetworkDescription(name, s, weights, layers, outputs);
    }
}
