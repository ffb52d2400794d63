package io.opsgi.properties;

import io.opsgi.properties.SeededData.Role;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * matmul: input (batchA..., m, k) or (k,), other (batchB..., k, n) or (k,), the batch shapes
 * broadcastable; {@code m} or {@code n} null for a 1-D operand.
 */
public record MatmulCase(List<Integer> batchA, Integer m, int k, List<Integer> batchB, Integer n, long seed) implements OpCase {

    @Override
    public String op() {
        return "matmul";
    }

    public Shape inputShape() {
        List<Integer> dims = new ArrayList<>(m == null ? List.of() : batchA);
        if (m != null) {
            dims.add(m);
        }
        dims.add(k);
        return SeededData.shape(dims);
    }

    public Shape otherShape() {
        List<Integer> dims = new ArrayList<>(n == null ? List.of() : batchB);
        dims.add(k);
        if (n != null) {
            dims.add(n);
        }
        return SeededData.shape(dims);
    }

    /** The broadcast batch shape (only operands of rank >= 2 have batch dimensions). */
    public List<Integer> batch() {
        List<Integer> a = m == null ? List.of() : batchA, b = n == null ? List.of() : batchB;
        int rank = Math.max(a.size(), b.size());
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            int x = BinaryCase.size(a, d, rank), y = BinaryCase.size(b, d, rank);
            out.add(x == 1 ? y : x);
        }
        return out;
    }

    @Override
    public List<Tensor> inputs() {
        return List.of(SeededData.uniform(inputShape(), seed, Role.INPUT), SeededData.uniform(otherShape(), seed, Role.SECOND));
    }

    @Override
    public String toString() {
        return "matmul input=" + inputShape() + " other=" + otherShape() + " seed=" + seed;
    }
}
