package io.opsgi.properties;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** What one call returned: the output tensor(s) (batch_norm adds running statistics) and max-pool indices. */
public record Outputs(List<Tensor> tensors, IndexTensor indices) {
    public static Outputs of(Tensor... t) {
        return new Outputs(List.of(t), null);
    }

    public Tensor main() {
        return tensors.get(0);
    }
}
