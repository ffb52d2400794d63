package io.opsgi.kernel.support;

import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedConv2d;
import java.util.function.Supplier;

/**
 * The {@link PreparedConv2d} of a fast conv kernel, once: the epilogue checked against the geometry
 * before anything is packed, the kernel's own prepared body made (weights packed or copied), and each
 * run of a convolution too small to pay for a hand-off ({@link Parallel#INLINE_FLOPS}) kept on the
 * calling thread. A kernel's {@code prepare} is then only what it packs and how it runs:
 *
 * <pre>
 * return PreparedConv.of(this, g, epilogue, () -&gt; {
 *     float[] packed = pack(w);
 *     return (x, residual, y) -&gt; compute(g, x, packed, epilogue, residual, y);
 * });
 * </pre>
 */
public final class PreparedConv implements PreparedConv2d {
    /** One run of a prepared convolution ({@link PreparedConv2d#run}). */
    @FunctionalInterface
    @org.osgi.annotation.versioning.ConsumerType
    public interface Body {
        void run(float[] x, float[] residual, float[] y);
    }

    private final Conv2dKernel kernel;
    private final ConvGeometry g;
    private final Epilogue epilogue;
    private final long flops;
    private final Body body;

    private PreparedConv(Conv2dKernel kernel, ConvGeometry g, Epilogue epilogue, Body body) {
        this.kernel = kernel;
        this.g = g;
        this.epilogue = epilogue;
        this.flops = 2L * g.n() * g.cOut() * g.oh() * g.ow() * g.cInPerGroup() * g.kh() * g.kw();
        this.body = body;
    }

    /**
     * {@code kernel}'s prepared convolution of {@code g} with {@code epilogue}, running what {@code prepare}
     * returns (called once, after the epilogue is checked).
     *
     * @throws IllegalArgumentException if the epilogue's per-channel arrays do not have {@code g.cOut()} values
     */
    public static PreparedConv2d of(Conv2dKernel kernel, ConvGeometry g, Epilogue epilogue, Supplier<Body> prepare) {
        epilogue.check(g.cOut());
        return new PreparedConv(kernel, g, epilogue, prepare.get());
    }

    @Override
    public Conv2dKernel kernel() {
        return kernel;
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    @Override
    public Epilogue epilogue() {
        return epilogue;
    }

    @Override
    public void run(float[] x, float[] residual, float[] y) {
        if (g.n() == 0 || g.cOut() == 0 || g.oh() == 0 || g.ow() == 0) {
            return;
        }
        Parallel.sized(flops, () -> body.run(x, residual, y));
    }
}
