package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.ConvPadding;
import io.opsgi.op.HW;
import io.opsgi.op.PadMode;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.SplittableRandom;

/** Seeded conv2d inputs and the conformance tolerance for comparing two kernels' outputs. */
final class ConvData {
    private ConvData() {
    }

    /** input (n, c, h, w), weight (k, c, kernel, kernel), bias (k), uniform in [-1, 1). */
    static Tensor[] random(int n, int c, int h, int w, int k, int kernel, long seed) {
        return random(n, c, h, w, k, kernel, seed, 1);
    }

    /** As {@link #random(int, int, int, int, int, int, long)} with the weight of a grouped conv: (k, c/groups, kernel, kernel). */
    static Tensor[] random(int n, int c, int h, int w, int k, int kernel, long seed, int groups) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Tensor[] {fill(Shape.of(n, c, h, w), r), fill(Shape.of(k, c / groups, kernel, kernel), r), fill(Shape.of(k), r)};
    }

    static Conv2dAttrs attrs(int stride, int padding, int dilation, int groups) {
        return new Conv2dAttrs(HW.of(stride), ConvPadding.of(padding), HW.of(dilation), groups, PadMode.CONSTANT);
    }

    /** Within the conformance suite's reduction tolerance for a sum of {@code k} products. */
    static void assertMatches(Tensor expected, Tensor actual, int k) {
        TensorComparison cmp = TensorComparison.compare("output", expected, actual, ToleranceClass.reduction(k, expected));
        assertTrue(cmp.passed(), cmp.problem());
    }

    private static Tensor fill(Shape s, SplittableRandom r) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.wrap(s, v);
    }
}
