package io.opsgi.op;

import java.util.List;

/**
 * The geometry classes kernels specialise in, defined once: the runtime times kernels and selects
 * the fastest per op and class (as FFTW's planner or cuDNN's benchmark mode do per problem), so a
 * depthwise or a 1x1 kernel can serve its class while another kernel serves the rest.
 * <ul>
 * <li>{@link #DEPTHWISE}: a convolution with groups = C_in = C_out &gt; 1 (MobileNet's 3x3 layers);
 * <li>{@link #POINTWISE}: a 1x1 convolution without groups (a matrix product; projections);
 * <li>{@link #GENERAL}: every other convolution;
 * <li>{@link #ALL}: the single class of every op that is not a convolution.
 * </ul>
 */
public final class GeometryClass {
    public static final String DEPTHWISE = "depthwise";
    public static final String POINTWISE = "1x1";
    public static final String GENERAL = "general";
    public static final String ALL = "all";

    private GeometryClass() {
    }

    /** The class of a call, from its first kernel argument (a {@link ConvGeometry} for the conv families). */
    public static String of(Object geometry) {
        if (geometry instanceof ConvGeometry g) {
            if (g.groups() > 1 && g.groups() == g.cIn() && g.groups() == g.cOut()) {
                return DEPTHWISE;
            }
            return g.kh() == 1 && g.kw() == 1 && g.groups() == 1 ? POINTWISE : GENERAL;
        }
        return ALL;
    }

    /** The classes calls of a kernel family fall into, e.g. three for conv2d, {@link #ALL} alone for relu. */
    public static List<String> classes(Class<? extends Kernel> family) {
        return family == Conv2dKernel.class || family == ConvTranspose2dKernel.class ? List.of(GENERAL, POINTWISE, DEPTHWISE) : List.of(ALL);
    }
}
