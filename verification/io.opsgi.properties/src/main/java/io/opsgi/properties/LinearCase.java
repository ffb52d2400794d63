package io.opsgi.properties;

import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** linear: an input (leading..., in), weight (out, in), optional bias (out). */
public record LinearCase(List<Integer> leading, int in, int out, boolean bias, long seed) implements OpCase {

    @Override
    public String op() {
        return "linear";
    }

    public Shape inputShape() {
        List<Integer> dims = new ArrayList<>(leading);
        dims.add(in);
        return SeededData.shape(dims);
    }

    public Shape weightShape() {
        return Shape.of(out, in);
    }

    /** The number of input vectors: the product of the leading dimensions. */
    public int rows() {
        return leading.stream().reduce(1, (a, b) -> a * b);
    }

    @Override
    public List<Tensor> inputs() {
        List<Tensor> in = new ArrayList<>();
        in.add(SeededData.uniform(inputShape(), seed, Role.INPUT));
        in.add(SeededData.uniform(weightShape(), seed, Role.WEIGHT));
        in.add(bias ? SeededData.uniform(Shape.of(out), seed, Role.BIAS) : null);
        return in;
    }

    @Override
    public String toString() {
        return "linear input=" + inputShape() + " weight=" + weightShape() + " bias=" + (bias ? "[" + out + "]" : "none") + " seed=" + seed;
    }
}
