package io.opsgi.properties;

import io.opsgi.op.LpPool2d;
import io.opsgi.op.LpPool2dKernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/** lp_pool2d: the kernel contract. */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
@Tries(150)
class LpPool2dProperties implements KernelContract<LpPool2dKernel, LpPool2dCase> {

    @Override
    public Class<LpPool2dKernel> family() {
        return LpPool2dKernel.class;
    }

    @Override
    @Provide
    public Arbitrary<LpPool2dCase> valid() {
        return PoolCases.lpPool2d();
    }

    @Override
    @Provide
    public Arbitrary<Invalid<LpPool2dKernel>> invalid() {
        return PoolCases.lpPool2dInvalid();
    }

    @Override
    public Outputs run(LpPool2dKernel kernel, LpPool2dCase c, List<Tensor> in) {
        return Outputs.of(LpPool2d.apply(kernel, in.get(0), c.attrs()));
    }

    @Override
    public Shape expectedShape(LpPool2dCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(LpPool2dCase c) {
        return LpPool2d.outputShape(c.inputShape(), c.attrs());
    }

    @Override
    public Closeness closeness(LpPool2dCase c) {
        // a sum of kh*kw powers, then pow(1/p): the root does not amplify relative error for p >= 1
        return Closeness.reduction(c.kernel().h() * c.kernel().w() * 4);
    }
}
