package io.opsgi.properties;

import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** prelu with one slope or one per channel (dimension 1; a 1-D input has one channel). */
public record PReluCase(List<Integer> shape, boolean perChannel, long seed) implements OpCase {

    @Override
    public String op() {
        return "prelu";
    }

    public int slopes() {
        return perChannel && shape.size() >= 2 ? shape.get(1) : 1;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.uniform(SeededData.shape(shape), seed, Role.INPUT), SeededData.uniform(Shape.of(slopes()), seed, Role.WEIGHT));
    }

    @Override
    public String toString() {
        return "prelu input=" + shape + " weight=[" + slopes() + "] seed=" + seed;
    }
}
