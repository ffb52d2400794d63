package io.opsgi.properties;

import io.opsgi.op.AdaptiveAvgPool2dKernel;
import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.Pooled;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** adaptive_avg_pool2d and global_avg_pool2d: the kernel contract and the identity law. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(150)
class AdaptiveAvgPool2dProperties extends AdaptiveLaws<AdaptiveAvgPool2dKernel> {
    @Override
    public Class<AdaptiveAvgPool2dKernel> family() {
        return AdaptiveAvgPool2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<AdaptiveCase> valid() {
        return PoolCases.adaptive(AdaptivePool2d.AVG, AdaptivePool2d.GLOBAL_AVG);
    }

    @Override
    @Provide
    public Arbitrary<Invalid<AdaptiveAvgPool2dKernel>> invalid() {
        return PoolCases.adaptiveAvgInvalid();
    }

    @Override
    public Outputs run(AdaptiveAvgPool2dKernel kernel, AdaptiveCase c, List<Tensor> in) {
        return Outputs.of(c.global() ? AdaptivePool2d.globalAvg(kernel, in.get(0)) : AdaptivePool2d.avg(kernel, in.get(0), c.oh(), c.ow()));
    }

    @Override
    public Closeness closeness(AdaptiveCase c) {
        return Closeness.reduction(c.global() ? c.h() * c.w() : c.reduction());
    }
}
