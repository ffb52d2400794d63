package io.opsgi.properties;

import io.opsgi.op.AdaptivePool2d;
import io.opsgi.op.Kernel;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Adaptive and global pooling: the shared laws of the avg and max families. */
abstract class AdaptiveLaws<K extends Kernel> implements KernelContract<K, AdaptiveCase> {

    @Override
    public Shape expectedShape(AdaptiveCase c) {
        return c.expectedShape();
    }

    @Override
    public Shape contractShape(AdaptiveCase c) {
        return AdaptivePool2d.outputShape(c.op(), c.inputShape(), c.global() ? Integer.valueOf(1) : c.oh(), c.global() ? Integer.valueOf(1) : c.ow());
    }

    @Provide
    Arbitrary<AdaptiveCase> identityCases() {
        return valid().filter(c -> !c.global()).map(c -> new AdaptiveCase(c.op(), c.n(), c.c(), c.h(), c.w(), c.h(), c.w(), c.unbatched(), c.seed()));
    }

    /** Pooling to the input's own size makes every window one element: the identity, exactly. */
    @Property
    void poolingToTheInputSizeIsTheIdentity(@ForAll("kernels") KernelUnderTest<K> k, @ForAll("identityCases") AdaptiveCase c) {
        Assume.that(k.serves(c.op()));
        Tensor x = c.inputs().get(0);
        Closeness.assertClose(Closeness.exact("one-element windows"), run(k.kernel(), c, List.of(x)).main(), x, k + ": " + c.op() + " to the input size");
    }
}
