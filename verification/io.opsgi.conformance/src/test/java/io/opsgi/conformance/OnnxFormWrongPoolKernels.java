package io.opsgi.conformance;

import io.opsgi.kernel.avgpool2d.direct.DirectAvgPool2d;
import io.opsgi.kernel.lppool2d.direct.DirectLpPool2d;
import io.opsgi.op.AvgPool2dAttrs;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.LpPool2dKernel;
import io.opsgi.op.PoolGeometry;

/**
 * Deliberately wrong pool kernels for ONNX's four-sided form: each is the reference kernel fed a
 * geometry that forgets one fact of that form, the mistakes a kernel written for PyTorch's
 * symmetric padding would make.
 */
final class OnnxFormWrongPoolKernels {
    private OnnxFormWrongPoolKernels() {
    }

    /** PyTorch's form of a geometry: the end pads taken equal to the begin pads, the form flag dropped. */
    static PoolGeometry symmetric(PoolGeometry g) {
        return new PoolGeometry(g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padH(), g.padW(),
                g.dilationH(), g.dilationW(), g.oh(), g.ow());
    }

    /** avg_pool2d that ignores the end pads (assumes bottom = top, right = left): count_include_pad divisors go wrong. */
    static final class EndPadIgnoringAvgPool2d implements AvgPool2dKernel {
        @Override
        public void avgPool2d(PoolGeometry g, AvgPool2dAttrs a, float[] x, float[] y) {
            new DirectAvgPool2d().avgPool2d(symmetric(g), a, x, y);
        }
    }

    /** lp_pool2d that ignores ONNX's rules: F.lp_pool2d's rescaling of ceil_mode-clipped windows, and the end pads. */
    static final class TorchRulesLpPool2d implements LpPool2dKernel {
        @Override
        public void lpPool2d(PoolGeometry g, double normType, float[] x, float[] y) {
            new DirectLpPool2d().lpPool2d(symmetric(g), normType, x, y);
        }
    }
}
