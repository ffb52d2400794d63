package io.opsgi.properties;

import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** A case with one input of (N, C, H, W), or (C, H, W) when unbatched, drawn from its seed: what the pooling cases share. */
public interface PlaneCase extends OpCase {
    int n();

    int c();

    int h();

    int w();

    boolean unbatched();

    long seed();

    default Shape inputShape() {
        return unbatched() ? Shape.of(c(), h(), w()) : Shape.of(n(), c(), h(), w());
    }

    @Override
    default List<Tensor> inputs() {
        return List.of(SeededData.uniform(inputShape(), seed(), Role.INPUT));
    }

    /** The output: C planes of oh x ow, batched as the input is. */
    default Shape planes(int oh, int ow) {
        return unbatched() ? Shape.of(c(), oh, ow) : Shape.of(n(), c(), oh, ow);
    }
}
