package io.opsgi.onnx;

import io.opsgi.net.NetworkDescription;
import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An ONNX model translated onto opsgi's network model. {@link #read} parses the file, folds the
 * shape arithmetic of PyTorch's exporter (Shape, Gather, Unsqueeze, Concat, ...) into constants with
 * int64 arithmetic, and lowers every other node onto opsgi layer types; {@link #description} is then
 * an ordinary {@link NetworkDescription} (its weights, the initializers, in memory) for
 * {@code Network.plan}, {@code NetworkSummary}, {@code NetworkTolerance} and {@code NetworkRunner}.
 *
 * <p>Folded shapes are fixed at import: for another input shape (another batch), read the file again
 * with that shape rather than calling {@code description().withInputShape}.
 */
public final class OnnxModel {
    private final Path file;
    private final NetworkDescription description;
    private final int opset;
    private final String producer;
    private final List<String> outputNames;

    OnnxModel(Path file, NetworkDescription description, int opset, String producer, List<String> outputNames) {
        this.file = file;
        this.description = description;
        this.opset = opset;
        this.producer = producer;
        this.outputNames = List.copyOf(outputNames);
    }

    /** Reads {@code file} with the input shape it declares (a symbolic dimension such as a dynamic batch counts as 1). */
    public static OnnxModel read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads {@code file} for inputs of {@code inputShape} (null: the declared shape): symbolic
     * dimensions take its sizes; a fixed dimension must agree. Throws {@link OnnxException} listing
     * every problem at once, before anything runs; an I/O error as {@link IOException}.
     */
    public static OnnxModel read(Path file, Shape inputShape) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        return Importer.importModel(file, inputShape);
    }

    /** True if {@code file} looks like an ONNX model by its name ({@code .onnx}), for tools that also take JSON networks. */
    public static boolean isOnnx(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
    }

    /**
     * The network: layers in the graph's order, the graph's single input, its outputs (in the graph's order, each
     * computed by a layer named as the graph names the output, unless another layer already has that name), the
     * initializers as weights in memory.
     */
    public NetworkDescription description() {
        return description;
    }

    /** The graph's output names, in its order: one per output of {@link #description()}, at the same position. */
    public List<String> outputNames() {
        return outputNames;
    }

    /** The opset of the default (ai.onnx) domain the model was exported with. */
    public int opset() {
        return opset;
    }

    /** The exporter that wrote the file, e.g. {@code pytorch 1.13.1}. */
    public String producer() {
        return producer;
    }

    public Path file() {
        return file;
    }

    public Shape inputShape() {
        return description.inputShape();
    }
}
