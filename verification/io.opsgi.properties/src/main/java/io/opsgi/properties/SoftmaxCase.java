package io.opsgi.properties;

import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** softmax or log_softmax of a tensor of rank 1..4 along {@code dim} (negative counts from the end). */
public record SoftmaxCase(List<Integer> shape, int dim, boolean log, long seed) implements OpCase {

    @Override
    public String op() {
        return log ? "log_softmax" : "softmax";
    }

    public int axis() {
        return dim < 0 ? dim + shape.size() : dim;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.uniform(SeededData.shape(shape), seed, Role.INPUT));
    }

    @Override
    public String toString() {
        return op() + " input=" + shape + " dim=" + dim + " seed=" + seed;
    }
}
