package io.opsgi.properties;

import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptiveMaxPool2dKernel;
import io.opsgi.op.AvgPool2dKernel;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvTranspose2dKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.LpPool2dKernel;
import io.opsgi.op.MaxPool2dKernel;
import io.opsgi.op.PReluKernel;
import io.opsgi.op.PadKernel;
import io.opsgi.op.SoftmaxKernel;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.DomainContextBase;

/**
 * The generators of the suite as one jqwik domain: {@code @Domain(OpsgiDomain.class)} resolves
 * {@code @ForAll Conv2dCase}, {@code @ForAll MaxPool2dCase}, ... (valid configurations with
 * compatible, small shapes: at most ~2000 elements) and {@code @ForAll KernelUnderTest<Conv2dKernel>}, ...
 * (every discovered kernel of a family). The invalid configurations, one broken rule each, come
 * from the same generators ({@link ConvCases}, {@link PoolCases}, {@link PadBatchNormActivationCases}).
 */
public class OpsgiDomain extends DomainContextBase {

    @Provide
    Arbitrary<Conv2dCase> conv2dCases() {
        return ConvCases.conv2d();
    }

    @Provide
    Arbitrary<ConvTranspose2dCase> convTranspose2dCases() {
        return ConvCases.convTranspose2d();
    }

    @Provide
    Arbitrary<MaxPool2dCase> maxPool2dCases() {
        return PoolCases.maxPool2d();
    }

    @Provide
    Arbitrary<AvgPool2dCase> avgPool2dCases() {
        return PoolCases.avgPool2d();
    }

    @Provide
    Arbitrary<LpPool2dCase> lpPool2dCases() {
        return PoolCases.lpPool2d();
    }

    @Provide
    Arbitrary<PadCase> padCases() {
        return PadBatchNormActivationCases.pad();
    }

    @Provide
    Arbitrary<BatchNormCase> batchNormCases() {
        return PadBatchNormActivationCases.batchNorm();
    }

    @Provide
    Arbitrary<ActivationCase> activationCases() {
        return PadBatchNormActivationCases.activation();
    }

    @Provide
    Arbitrary<SoftmaxCase> softmaxCases() {
        return PadBatchNormActivationCases.softmax();
    }

    @Provide
    Arbitrary<PReluCase> preluCases() {
        return PadBatchNormActivationCases.prelu();
    }

    @Provide
    Arbitrary<KernelUnderTest<Conv2dKernel>> conv2dKernels() {
        return Kernels.arbitrary(Conv2dKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<ConvTranspose2dKernel>> convTranspose2dKernels() {
        return Kernels.arbitrary(ConvTranspose2dKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<MaxPool2dKernel>> maxPool2dKernels() {
        return Kernels.arbitrary(MaxPool2dKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<AvgPool2dKernel>> avgPool2dKernels() {
        return Kernels.arbitrary(AvgPool2dKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<LpPool2dKernel>> lpPool2dKernels() {
        return Kernels.arbitrary(LpPool2dKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<AdaptiveAvgPool2dKernel>> adaptiveAvgKernels() {
        return Kernels.arbitrary(AdaptiveAvgPool2dKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<AdaptiveMaxPool2dKernel>> adaptiveMaxKernels() {
        return Kernels.arbitrary(AdaptiveMaxPool2dKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<PadKernel>> padKernels() {
        return Kernels.arbitrary(PadKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<BatchNormKernel>> batchNormKernels() {
        return Kernels.arbitrary(BatchNormKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<ElementwiseKernel>> elementwiseKernels() {
        return Kernels.arbitrary(ElementwiseKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<SoftmaxKernel>> softmaxKernels() {
        return Kernels.arbitrary(SoftmaxKernel.class);
    }

    @Provide
    Arbitrary<KernelUnderTest<PReluKernel>> preluKernels() {
        return Kernels.arbitrary(PReluKernel.class);
    }
}
