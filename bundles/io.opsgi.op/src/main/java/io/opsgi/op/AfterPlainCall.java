package io.opsgi.op;

/**
 * The prepared form of any conv2d kernel that has none of its own: the plain call on copies of the
 * weights, then the epilogue as a second pass over the output. Correct for every kernel; only the
 * kernels' own prepare steps make it faster.
 */
final class AfterPlainCall implements PreparedConv2d {
    private final Conv2dKernel kernel;
    private final ConvGeometry g;
    private final float[] w, bias;
    private final Epilogue epilogue;

    AfterPlainCall(Conv2dKernel kernel, ConvGeometry g, float[] w, float[] bias, Epilogue epilogue) {
        epilogue.check(g.cOut());
        this.kernel = kernel;
        this.g = g;
        this.w = w.clone();
        this.bias = bias == null ? null : bias.clone();
        this.epilogue = epilogue;
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
        kernel.conv2d(g, x, w, bias, y);
        epilogue.applyAll(y, g.cOut(), g.oh() * g.ow(), residual);
    }
}
