package io.opsgi.properties;

import io.opsgi.properties.Data.Role;
import io.opsgi.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import io.opsgi.tensor.Tensor;

/** linear: an input (leading..., in), weight (out, in), optional bias (out). */
public record LinearCase(List<Integer> leading, int in, int out, boolean bias, long seed) implements OpCase {

    @Override
    public String op() {
        return "linear";
    }

    public Shape inputShape() {
        List<Integer> dims = new ArrayList<>(leading);
        dims.add(in);
        return Data.shape(dims);
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
        in.add(Data.uniform(inputShape(), seed, Role.INPUT));
        in.add(Data.uniform(weightShape(), seed, Role.WEIGHT));
        in.add(bias ? Data.uniform(Shape.of(out), seed, Role.BIAS) : null);
        return in;
    }

    @Override
    public String toString() {
        return "linear input=" + inputShape() + " weight=" + weightShape() + " bias=" + (bias ? "[" + out + "]" : "none") + " seed=" + seed;
    }
}
