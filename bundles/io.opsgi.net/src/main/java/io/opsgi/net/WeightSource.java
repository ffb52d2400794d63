package io.opsgi.net;

import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Where a network's parameters come from. */
@org.osgi.annotation.versioning.ProviderType
public sealed interface WeightSource {
    /** One NumPy file per parameter, {@code <dir>/<layer>.<param>.npy} (e.g. {@code conv1.weight.npy}), float32. */
    record NpyFiles(Path dir) implements WeightSource {
        public NpyFiles {
            Objects.requireNonNull(dir, "dir");
        }
    }

    /**
     * Deterministic values from a seed, for shape work and timing: weights and biases uniform in
     * ±1/sqrt(fan_in) (the bound of PyTorch's default initialization, not its random stream),
     * batch norm weight 1, bias 0, running mean 0, running variance 1, prelu 0.25.
     */
    record Seeded(long seed) implements WeightSource {
    }

    /**
     * Tensors already in memory (an imported ONNX model's initializers), by layer name and then
     * parameter name ({@code conv1} -> {@code weight}), float32. The maps are copied; tensors are immutable.
     */
    record InMemory(Map<String, Map<String, Tensor>> layers) implements WeightSource {
        public InMemory {
            Map<String, Map<String, Tensor>> copy = new LinkedHashMap<>();
            layers.forEach((layer, params) -> copy.put(layer, Map.copyOf(params)));
            layers = java.util.Collections.unmodifiableMap(copy);
        }

        @Override
        public String toString() {
            return "InMemory[" + layers.size() + " layers]";
        }
    }
}
