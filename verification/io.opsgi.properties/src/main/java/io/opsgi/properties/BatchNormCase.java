package io.opsgi.properties;

import io.opsgi.op.BatchNormAttrs;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/** A valid batch_norm over (N, C), (N, C, L) or (N, C, H, W); which optional parameters are given is part of the case. */
public record BatchNormCase(List<Integer> shape, boolean training, double momentum, double eps, boolean mean, boolean var, boolean weight,
        boolean bias, long seed) implements OpCase {

    @Override
    public String op() {
        return "batch_norm";
    }

    public BatchNormAttrs attrs() {
        return new BatchNormAttrs(training, momentum, eps);
    }

    public int channels() {
        return shape.get(1);
    }

    /** Values reduced per channel in training (N * spatial). */
    public int perChannel() {
        int k = 1;
        for (int i = 0; i < shape.size(); i++) {
            k *= i == 1 ? 1 : shape.get(i);
        }
        return k;
    }

    @Override
    public List<Tensor> inputs() {
        Shape c = Shape.of(channels());
        return Arrays.asList(SeededData.uniform(SeededData.shape(shape), seed, Role.INPUT), mean ? SeededData.uniform(c, seed, Role.MEAN) : null,
                var ? SeededData.between(c, seed, Role.VAR, 0.1f, 2f) : null, weight ? SeededData.uniform(c, seed, Role.WEIGHT) : null,
                bias ? SeededData.uniform(c, seed, Role.BIAS) : null);
    }

    @Override
    public String toString() {
        return "batch_norm input=" + shape + " training=" + training + (training ? " momentum=" + momentum : "") + " eps=" + eps
                + " running_mean=" + (mean ? "[" + channels() + "]" : "none") + " running_var=" + (var ? "[" + channels() + "]" : "none")
                + " weight=" + (weight ? "[" + channels() + "]" : "none") + " bias=" + (bias ? "[" + channels() + "]" : "none")
                + " seed=" + seed;
    }
}
