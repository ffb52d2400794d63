package io.opsgi.conformance;

import io.opsgi.kernel.resize.direct.DirectResize;
import io.opsgi.op.ResizeAttrs.CoordinateTransformation;
import io.opsgi.op.ResizeGeometry;
import io.opsgi.op.ResizeKernel;

/**
 * A deliberately wrong resize: it maps every output coordinate with half_pixel, whatever
 * coordinate_transformation_mode was asked (the reference kernel fed such a geometry).
 */
final class HalfPixelResize implements ResizeKernel {
    @Override
    public void resize(ResizeGeometry g, float[] x, float[] y) {
        new DirectResize().resize(new ResizeGeometry(g.n(), g.c(), g.h(), g.w(), g.oh(), g.ow(), g.mode(), CoordinateTransformation.HALF_PIXEL,
                g.nearestMode(), g.scaleH(), g.scaleW(), g.cubicCoeffA(), g.excludeOutside()), x, y);
    }
}
