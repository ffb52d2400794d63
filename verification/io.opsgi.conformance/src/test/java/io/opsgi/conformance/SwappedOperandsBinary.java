package io.opsgi.conformance;

import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BroadcastGeometry;
import io.opsgi.op.Pow;

/**
 * A deliberately wrong add/sub/mul/div/pow/maximum/minimum: right indices, operands swapped (other op input), the
 * classic bug of a per-channel fast path written as {@code value - x}. Only sub, div and pow can notice, and maximum and
 * minimum where two zeros of opposite sign meet (torch keeps the input's).
 */
final class SwappedOperandsBinary implements BinaryKernel {
    @Override
    public void binary(BroadcastGeometry g, float[] input, float[] other, float[] y) {
        for (int i = 0; i < y.length; i++) {
            int a = 0, b = 0;
            for (int d = g.output().rank() - 1, rest = i; d >= 0; d--) {
                a += (rest % g.output().dim(d)) * g.inputStride(d);
                b += (rest % g.output().dim(d)) * g.otherStride(d);
                rest /= g.output().dim(d);
            }
            float x = other[b], z = input[a];
            y[i] = switch (g.op()) {
                case ADD -> x + z;
                case SUB -> x - z;
                case MUL -> x * z;
                case DIV -> x / z;
                case POW -> Pow.of(x, z);
                case MAXIMUM -> x != x || z != z ? Float.NaN : x < z ? z : x;
                case MINIMUM -> x != x || z != z ? Float.NaN : z < x ? z : x;
            };
        }
    }
}
