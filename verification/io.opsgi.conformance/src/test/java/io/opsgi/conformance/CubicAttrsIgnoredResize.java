package io.opsgi.conformance;

import io.opsgi.kernel.resize.direct.DirectResize;
import io.opsgi.op.ResizeAttrs;
import io.opsgi.op.ResizeGeometry;
import io.opsgi.op.ResizeKernel;

/**
 * A deliberately wrong resize: cubic ignores exclude_outside (outside taps keep their weight and
 * read the edge), or ignores cubic_coeff_a (always -0.75); the reference kernel fed such a geometry.
 */
final class CubicAttrsIgnoredResize implements ResizeKernel {
    private final boolean ignoreExcludeOutside;

    CubicAttrsIgnoredResize(boolean ignoreExcludeOutside) {
        this.ignoreExcludeOutside = ignoreExcludeOutside;
    }

    @Override
    public void resize(ResizeGeometry g, float[] x, float[] y) {
        double a = ignoreExcludeOutside ? g.cubicCoeffA() : ResizeAttrs.DEFAULT_CUBIC_COEFF_A;
        boolean exclude = !ignoreExcludeOutside && g.excludeOutside();
        new DirectResize().resize(new ResizeGeometry(g.n(), g.c(), g.h(), g.w(), g.oh(), g.ow(), g.mode(), g.transformation(), g.nearestMode(),
                g.scaleH(), g.scaleW(), a, exclude), x, y);
    }
}
