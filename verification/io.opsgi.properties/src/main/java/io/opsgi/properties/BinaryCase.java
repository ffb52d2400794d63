package io.opsgi.properties;

import io.opsgi.op.BinaryOp;
import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** add, sub, mul or div of two tensors whose shapes broadcast, with IEEE specials (+-0, +-inf, NaN) sprinkled in. */
public record BinaryCase(BinaryOp fn, List<Integer> input, List<Integer> other, long seed) implements OpCase {

    @Override
    public String op() {
        return fn.op();
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.withSpecials(SeededData.shape(input), seed, Role.INPUT), SeededData.withSpecials(SeededData.shape(other), seed, Role.SECOND));
    }

    /** torch.broadcast_shapes, written here independently of the contract: aligned at the end, a 1 (or nothing) takes the other size. */
    public List<Integer> outputShape() {
        int rank = Math.max(input.size(), other.size());
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            int a = size(input, d, rank), b = size(other, d, rank);
            out.add(a == 1 ? b : a);
        }
        return out;
    }

    /** The size of {@code shape} at output dimension {@code d}: 1 where it has no such dimension. */
    static int size(List<Integer> shape, int d, int rank) {
        int own = d - (rank - shape.size());
        return own < 0 ? 1 : shape.get(own);
    }

    /** The flat index into an operand of {@code shape} of the output element with multi-index {@code index}. */
    static int operandIndex(List<Integer> shape, int[] index) {
        int flat = 0;
        int offset = index.length - shape.size();
        for (int d = 0; d < shape.size(); d++) {
            flat = flat * shape.get(d) + (shape.get(d) == 1 ? 0 : index[d + offset]);
        }
        return flat;
    }

    @Override
    public String toString() {
        return fn.op() + " input=" + input + " other=" + other + " seed=" + seed;
    }
}
