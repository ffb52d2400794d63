package io.opsgi.cli;

import io.opsgi.net.NetworkDescription;
import io.opsgi.onnx.OnnxModel;
import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;

/** A model file as a network description: an ONNX model ({@code .onnx}) is imported, anything else read as a JSON description. */
final class Models {
    private Models() {
    }

    /**
     * The description of {@code file}; {@code inputShape} (may be null) is the shape of the data it will
     * run on: an ONNX model is imported for it (its symbolic dimensions take those sizes).
     * Throws {@code OnnxException} or {@code NetworkException} with the problem in one line each.
     */
    static NetworkDescription read(Path file, Shape inputShape) throws IOException {
        if (OnnxModel.isOnnx(file)) {
            return OnnxModel.read(file, inputShape).description();
        }
        return NetworkDescription.read(file);
    }
}
