package io.opsgi.properties;

import io.opsgi.conformance.BlockedPath;
import io.opsgi.conformance.BlockedPath.Blocks;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Epilogue;
import io.opsgi.op.PreparedBlockedConv2d;
import io.opsgi.op.PreparedConv2d;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.domains.DomainContext;

/**
 * conv2d's prepare step with an epilogue. (Without one, every conv2d law already runs through each
 * kernel's prepare path: {@link Kernels} draws it as a variant of its own.) The epilogue is the
 * arithmetic of the separate layers ({@link Epilogue}), so fusing it changes nothing: a kernel's
 * run with an epilogue equals its run without one followed by {@link Epilogue#applyAll}, bit for
 * bit for the bit-exact activations, within assert_close for the ones built on exp. The same holds for a kernel's
 * blocked entry points ({@link BlockedPath}): a run with a blocked residual, input and/or output equals the same
 * blocked run without the epilogue followed by it.
 */
@Domain(OpsgiDomain.class)
@Domain(DomainContext.Global.class)
class PreparedConv2dProperties {
    private static final List<Activation> ACTIVATIONS = Epilogue.FUSABLE.stream().sorted().toList();

    @Provide
    Arbitrary<Conv2dCase> cases() {
        return ConvCases.conv2d();
    }

    /**
     * The kernels themselves, not their prepare or blocked paths as variants (the prepare step is called directly here):
     * drawn from all, those were 7 of 11 conv2d variants, and the discarded tries exhausted the property.
     */
    @Provide
    Arbitrary<KernelUnderTest<Conv2dKernel>> plainKernels() {
        List<KernelUnderTest<Conv2dKernel>> plain = Kernels.of(Conv2dKernel.class).stream()
                .filter(k -> !k.variant().endsWith(Kernels.PREPARED) && !k.variant().endsWith(Kernels.BLOCKED)).toList();
        return plain.isEmpty() ? Kernels.arbitrary(Conv2dKernel.class) : Arbitraries.of(plain);
    }

    @Property(tries = 300)
    void anEpilogueIsTheSeparateLayersArithmetic(@ForAll("plainKernels") KernelUnderTest<Conv2dKernel> k, @ForAll("cases") Conv2dCase c) {
        Assume.that(!k.variant().endsWith(Kernels.PREPARED) && !k.variant().endsWith(Kernels.BLOCKED)); // the prepare step is called directly here
        Tensor b = c.biasTensor();
        ConvGeometry g = Conv2d.geometry(c.inputShape(), c.weightShape(), b == null ? null : b.shape(), c.attrs());
        Assume.that(g != null); // a padding mode copies the input first: those calls are not prepared
        Assume.that(k.kernel().supports(g));
        SplittableRandom r = new SplittableRandom(c.seed());
        Epilogue e = epilogue(r, g.cOut());
        Shape out = g.outputShape();
        float[] residual = e.residual() ? SeededData.uniform(out, c.seed(), SeededData.Role.SECOND).toArray() : null;
        float[] x = c.input().toArray(), w = c.weight().toArray(), bias = b == null ? null : b.toArray();

        PreparedConv2d fused = k.kernel().prepare(g, w, bias, e);
        float[] y = new float[out.size()];
        fused.run(x, residual, y);
        float[] separate = new float[out.size()];
        k.kernel().prepare(g, w, bias, Epilogue.NONE).run(x, null, separate);
        e.applyAll(separate, g.cOut(), g.oh() * g.ow(), residual);

        boolean exact = e.activation() == null || e.activation().fn().tolerance() == ToleranceClass.BIT_EXACT;
        Closeness.assertClose(exact ? Closeness.exact("the epilogue is the separate layers' arithmetic") : Closeness.assertClose(),
                Tensor.wrap(out, y), Tensor.wrap(out, separate), k + " with epilogue " + e.describe());
    }

    /** The kernels with blocked entry points (their plain variants: the prepare step is called directly); all of them if none has. */
    @Provide
    Arbitrary<KernelUnderTest<Conv2dKernel>> blockedKernels() {
        List<KernelUnderTest<Conv2dKernel>> blocked = Kernels.of(Conv2dKernel.class).stream()
                .filter(k -> !k.variant().endsWith(Kernels.PREPARED) && !k.variant().endsWith(Kernels.BLOCKED) && BlockedPath.offers(k.kernel())).toList();
        return blocked.isEmpty() ? Kernels.arbitrary(Conv2dKernel.class) : Arbitraries.of(blocked);
    }

    /** A kernel with blocked entry points and a case it has them on (most random cases are not: groups, padding modes). */
    @Provide
    Arbitrary<Tuple2<KernelUnderTest<Conv2dKernel>, Conv2dCase>> blockedTries() {
        return blockedKernels().flatMap(k -> ConvCases.conv2d().filter(c -> {
            Tensor b = c.biasTensor();
            ConvGeometry g = Conv2d.geometry(c.inputShape(), c.weightShape(), b == null ? null : b.shape(), c.attrs());
            return g != null && BlockedPath.blockedOn(k.kernel(), g);
        }).map(c -> Tuple.of(k, c)));
    }

    @Property(tries = 100)
    void aBlockedRunWithAnEpilogueIsTheSeparateLayersArithmetic(@ForAll("blockedTries") Tuple2<KernelUnderTest<Conv2dKernel>, Conv2dCase> t) {
        blockedEpilogue(t.get1(), t.get2());
    }

    /**
     * A residual (most tries) and the rest of an epilogue drawn from the seed, the combination of blocked tensors too
     * ({@link BlockedPath#choose}: x, residual, y, each blocked or not); the layout's rules are checked by {@link BlockedPath#run}.
     */
    void blockedEpilogue(KernelUnderTest<Conv2dKernel> k, Conv2dCase c) {
        Tensor b = c.biasTensor();
        ConvGeometry g = Conv2d.geometry(c.inputShape(), c.weightShape(), b == null ? null : b.shape(), c.attrs());
        Assume.that(g != null && k.kernel().supports(g));
        SplittableRandom r = new SplittableRandom(c.seed());
        Epilogue drawn = epilogue(r, g.cOut());
        Epilogue e = r.nextInt(8) == 0 ? drawn : Epilogue.of(drawn.scale(), drawn.shift(), true, drawn.activation());
        Shape out = g.outputShape();
        float[] residual = e.residual() ? SeededData.uniform(out, c.seed(), SeededData.Role.SECOND).toArray() : null;
        float[] x = c.input().toArray(), w = c.weight().toArray(), bias = b == null ? null : b.toArray();

        PreparedBlockedConv2d fused = BlockedPath.entry(k.kernel().prepare(g, w, bias, e));
        Assume.that(fused != null);
        Blocks blocks = BlockedPath.choose(fused, e.residual(), c.seed());
        Assume.that(blocks != null);
        float[] y = new float[out.size()];
        String layouts = BlockedPath.run(fused, blocks, c.seed(), x, residual, y);

        // The same blocked run without the epilogue, then the epilogue on NCHW: the separate layers.
        PreparedBlockedConv2d plain = BlockedPath.entry(k.kernel().prepare(g, w, bias, Epilogue.NONE));
        Assume.that(plain != null && (!blocks.x() || plain.readsBlocked()) && (!blocks.y() || plain.writesBlocked()));
        float[] separate = new float[out.size()];
        BlockedPath.run(plain, new Blocks(blocks.x(), false, blocks.y()), c.seed(), x, null, separate);
        e.applyAll(separate, g.cOut(), g.oh() * g.ow(), residual);

        boolean exact = e.activation() == null || e.activation().fn().tolerance() == ToleranceClass.BIT_EXACT;
        Closeness.assertClose(exact ? Closeness.exact("the epilogue is the separate layers' arithmetic") : Closeness.assertClose(),
                Tensor.wrap(out, y), Tensor.wrap(out, separate), k + " blocked (" + layouts + ") with epilogue " + e.describe());
    }

    /** Any combination of the parts, drawn from the case's seed: scale/shift, residual, activation. */
    static Epilogue epilogue(SplittableRandom r, int channels) {
        float[] scale = null, shift = null;
        if (r.nextBoolean()) {
            scale = new float[channels];
            shift = new float[channels];
            for (int i = 0; i < channels; i++) {
                scale[i] = (float) (0.25 + 2 * r.nextDouble());
                shift[i] = (float) (r.nextDouble() - 0.5);
            }
        }
        ActivationAttrs act = r.nextInt(4) == 0 ? null : ActivationAttrs.of(ACTIVATIONS.get(r.nextInt(ACTIVATIONS.size())));
        if (act != null && act.fn() == Activation.LEAKY_RELU) {
            act = ActivationAttrs.leakyRelu(0.1f);
        } else if (act != null && act.fn() == Activation.HARDTANH) {
            act = ActivationAttrs.hardtanh(-0.5f, 0.75f);
        }
        return Epilogue.of(scale, shift, r.nextBoolean(), act);
    }
}
