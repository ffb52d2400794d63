package io.opsgi.properties;

import io.opsgi.op.PadAttrs;
import io.opsgi.op.PadMode;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;

/** A valid F.pad: pads in PyTorch's order (last dimension first), negative entries crop. */
public record PadCase(List<Integer> shape, List<Integer> pads, PadMode mode, Float value, long seed) implements OpCase {

    @Override
    public String op() {
        return "pad";
    }

    public PadAttrs attrs() {
        return new PadAttrs(pads.stream().mapToInt(Integer::intValue).toArray(), mode, value);
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.uniform(SeededData.shape(shape), seed, Role.INPUT));
    }

    /** F.pad: each padded dimension grows by its two pads; pair i pads dimension rank-1-i. */
    public Shape expectedShape() {
        int[] out = shape.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < pads.size() / 2; i++) {
            out[out.length - 1 - i] += pads.get(2 * i) + pads.get(2 * i + 1);
        }
        return Shape.of(out);
    }

    @Override
    public String toString() {
        return "pad input=" + shape + " pad=" + pads + " mode=" + mode + (value == null ? "" : " value=" + value) + " seed=" + seed;
    }
}
