package io.opsgi.conformance;

import io.opsgi.op.BinaryKernel;
import io.opsgi.op.BroadcastGeometry;
import io.opsgi.op.Pow;

/**
 * A deliberately wrong add/sub/mul/div/pow that ignores broadcast dimensions: it reads each operand at
 * {@code i % its length}, which is right for equal shapes and a trailing (W,) operand, and wrong for a
 * (C, 1, 1) one or an outer broadcast (a scalar, of length 1, it happens to read right).
 */
final class IgnoredBroadcastBinary implements BinaryKernel {
    @Override
    public void binary(BroadcastGeometry g, float[] input, float[] other, float[] y) {
        for (int i = 0; i < y.length; i++) {
            float a = input[i % input.length], b = other[i % other.length];
            y[i] = switch (g.op()) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
                case POW -> Pow.of(a, b);
                case MAXIMUM -> a != a || b != b ? Float.NaN : a < b ? b : a;
                case MINIMUM -> a != a || b != b ? Float.NaN : b < a ? b : a;
            };
        }
    }
}
