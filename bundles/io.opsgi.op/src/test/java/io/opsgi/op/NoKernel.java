package io.opsgi.op;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A kernel of every family that fails the test when called: validation must throw before any kernel
 * runs, and an empty output must not reach a kernel at all.
 */
final class NoKernel implements Conv2dKernel, ConvTranspose2dKernel, MaxPool2dKernel, AvgPool2dKernel, LpPool2dKernel,
        AdaptiveAvgPool2dKernel, AdaptiveMaxPool2dKernel, PadKernel, BatchNormKernel, ElementwiseKernel, PReluKernel,
        SoftmaxKernel {
    static final NoKernel INSTANCE = new NoKernel();

    private NoKernel() {
    }

    private static void called(String family) {
        fail(family + " kernel called: the contract must refuse before the kernel runs, and never call it for an empty output");
    }

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        called("conv2d");
    }

    @Override
    public boolean supports(ConvGeometry g) {
        return true;
    }

    @Override
    public void convTranspose2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        called("conv_transpose2d");
    }

    @Override
    public void maxPool2d(PoolGeometry g, float[] x, float[] y, long[] indices) {
        called("max_pool2d");
    }

    @Override
    public void avgPool2d(PoolGeometry g, AvgPool2dAttrs a, float[] x, float[] y) {
        called("avg_pool2d");
    }

    @Override
    public void lpPool2d(PoolGeometry g, double normType, float[] x, float[] y) {
        called("lp_pool2d");
    }

    @Override
    public void adaptiveAvgPool2d(AdaptiveGeometry g, float[] x, float[] y) {
        called("adaptive_avg_pool2d");
    }

    @Override
    public void adaptiveMaxPool2d(AdaptiveGeometry g, float[] x, float[] y, long[] indices) {
        called("adaptive_max_pool2d");
    }

    @Override
    public void pad(PadGeometry g, PadMode mode, float value, float[] x, float[] y) {
        called("pad");
    }

    @Override
    public void batchNorm(BatchNormGeometry g, BatchNormAttrs a, float[] x, float[] mean, float[] var, float[] weight,
            float[] bias, float[] y, float[] newMean, float[] newVar) {
        called("batch_norm");
    }

    @Override
    public void activate(ActivationAttrs a, float[] x, float[] y) {
        called("activation");
    }

    @Override
    public void prelu(int outer, int channels, int inner, float[] x, float[] weight, float[] y) {
        called("prelu");
    }

    @Override
    public void softmax(int outer, int channels, int inner, boolean log, float[] x, float[] y) {
        called("softmax");
    }
}
