package io.opsgi.properties;

import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** add: two tensors of one shape, with IEEE specials (+-0, +-inf, NaN) sprinkled in. */
public record AddCase(List<Integer> shape, long seed) implements OpCase {

    @Override
    public String op() {
        return "add";
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.withSpecials(SeededData.shape(shape), seed, Role.INPUT), SeededData.withSpecials(SeededData.shape(shape), seed, Role.SECOND));
    }

    @Override
    public String toString() {
        return "add input=" + shape + " other=" + shape + " seed=" + seed;
    }
}
