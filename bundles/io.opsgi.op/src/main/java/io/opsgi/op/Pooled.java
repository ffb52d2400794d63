package io.opsgi.op;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Tensor;
import java.util.Map;

/** A max pool's result: the maxima and where they were ({@code h*W + w} within each plane). */
public record Pooled(Tensor output, IndexTensor indices) {
    /** As named outputs: {@code output} and {@code indices}. */
    public Map<String, Object> asMap() {
        return Map.of("output", output, "indices", indices);
    }
}
