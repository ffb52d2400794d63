package io.opsgi.conformance;

import io.opsgi.kernel.maxpool2d.direct.DirectMaxPool2d;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PoolGeometry;

/**
 * A deliberately wrong max_pool2d whose mistake is only on its values-only path (the one networks
 * call): asked for indices it is the reference; asked for values only, its windows reach one column
 * further right (a pair read one column too far, as a fast path's could). The operator always asks
 * for indices, so only a replay of the values-only path ({@link ValuesOnlyPath}) can catch it.
 */
final class OneColumnWiderValuesMaxPool2d implements MaxPool2dKernel {
    private final DirectMaxPool2d reference = new DirectMaxPool2d();

    @Override
    public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
        if (indices != null) {
            reference.maxPool2d(g, x, y, indices);
            return;
        }
        // BUG: one more column in every window
        reference.maxPool2d(new PoolGeometry(g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw() + 1, g.strideH(), g.strideW(), g.padH(), g.padW(),
                g.dilationH(), g.dilationW(), g.oh(), g.ow(), g.padHEnd(), g.padWEnd(), g.onnx()), x, y, null);
    }
}
