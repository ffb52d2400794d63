package io.opsgi.properties;

import io.opsgi.op.BatchNormAttrs;
import io.opsgi.properties.Data.Role;
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
        return Arrays.asList(Data.uniform(Data.shape(shape), seed, Role.INPUT), mean ? Data.uniform(c, seed, Role.MEAN) : null,
                var ? Data.between(c, seed, Role.VAR, 0.1f, 2f) : null, weight ? Data.uniform(c, seed, Role.WEIGHT) : null,
                bias ? Data.uniform(c, seed, Role.BIAS) : null);
    }

    @Override
    public String toString() {
        return "batch_norm input=" + shape + " training=" + training + (training ? " momentum=" + momentum : "") + " eps=" + eps
                + " running_mean=" + (mean ? "[" + channels() + "]" : "none") + " running_var=" + (var ? "[" + channels() + "]" : "none")
                + " weight=" + (weight ? "[" + channels() + "]" : "none") + " bias=" + (bias ? "[" + channels() + "]" : "none")
                + " seed=" + seed;
    }
}
