package io.opsgi.properties;

import io.opsgi.conformance.BlockedPath;
import io.opsgi.conformance.WrongBlockedConv2d;
import io.opsgi.conformance.WrongBlockedConv2d.Bug;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.runtime.chain.KernelChain;
import io.opsgi.tensor.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.Domain;

/**
 * The properties bite on blocked entry points: a conv right in its plain calls and NCHW prepared runs but wrong on
 * blocked values ({@link WrongBlockedConv2d}, the conformance kit's fixture) is caught by the conv2d laws through its
 * blocked path (the {@code +blocked} variant {@link Kernels} draws), and its ignored blocked residual by the epilogue
 * law of {@link PreparedConv2dProperties}; the same code without a bug passes both.
 */
@Domain(OpsgiDomain.class)
class BlockedFixtureProperties {
    private static final Conv2dProperties CONV2D = new Conv2dProperties();
    private static final PreparedConv2dProperties PREPARED = new PreparedConv2dProperties();

    /** The fixture's blocked path as the properties draw a kernel's: {@code <variant>+blocked} behind a chain of one. */
    private static KernelUnderTest<Conv2dKernel> blocked(Bug bug) {
        return new KernelUnderTest<>(List.of("conv2d"), "wrong-blocked-" + bug.name().toLowerCase() + Kernels.BLOCKED, "fixtures",
                KernelChain.only(Conv2dKernel.class, (Conv2dKernel) BlockedPath.of(new WrongBlockedConv2d(bug))));
    }

    private static KernelUnderTest<Conv2dKernel> plain(Bug bug) {
        return new KernelUnderTest<>(List.of("conv2d"), "wrong-blocked-" + bug.name().toLowerCase(), "fixtures",
                KernelChain.only(Conv2dKernel.class, new WrongBlockedConv2d(bug)));
    }

    /**
     * The cases the fixture's blocked path takes (it blocks ungrouped convs only): drawn from all conv2d cases, most
     * were grouped or padding-mode ones, which the epilogue law discards (172 of 200 in one CI run: exhausted).
     */
    @Provide
    Arbitrary<Conv2dCase> blockedCases() {
        WrongBlockedConv2d fixture = new WrongBlockedConv2d(Bug.NONE);
        return ConvCases.conv2d().filter(c -> {
            Tensor b = c.biasTensor();
            ConvGeometry g = Conv2d.geometry(c.inputShape(), c.weightShape(), b == null ? null : b.shape(), c.attrs());
            return g != null && BlockedPath.blockedOn(fixture, g);
        });
    }

    private static void agrees(Bug bug, Conv2dCase c) {
        CONV2D.agreesWith(blocked(bug), Kernels.reference(Conv2dKernel.class, "conv2d"), c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = FixtureProperties.CONV)
    void aBlockedInputReadOneColumnOffIsCaught(@ForAll("blockedCases") Conv2dCase c) {
        agrees(Bug.INPUT_ONE_COLUMN_OFF, c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = FixtureProperties.CONV)
    void lanesPastTheChannelsReachingAChannelAreCaught(@ForAll("blockedCases") Conv2dCase c) {
        agrees(Bug.LANES_PAST_C_REACH_A_CHANNEL, c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = FixtureProperties.CONV)
    void garbageInAnOutputZeroColumnIsCaught(@ForAll("blockedCases") Conv2dCase c) {
        agrees(Bug.GARBAGE_IN_A_ZERO_COLUMN, c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = FixtureProperties.CONV)
    void anIgnoredBlockedResidualIsCaughtThroughThePlainCalls(@ForAll("blockedCases") Conv2dCase c) {
        agrees(Bug.IGNORES_BLOCKED_RESIDUAL, c);
    }

    @Property(tries = 300)
    @ExpectCounterexample(matches = FixtureProperties.CONV)
    void anIgnoredBlockedResidualIsCaughtByTheEpilogueLaw(@ForAll("blockedCases") Conv2dCase c) {
        PREPARED.blockedEpilogue(plain(Bug.IGNORES_BLOCKED_RESIDUAL), c);
    }

    /** The control: the fixture without a bug obeys the same laws, so the failures above are the bugs'. */
    @Property(tries = 200)
    void theFixtureWithoutABugPasses(@ForAll("blockedCases") Conv2dCase c) {
        agrees(Bug.NONE, c);
        CONV2D.matchesDefinition(blocked(Bug.NONE), c, c.inputs());
        PREPARED.blockedEpilogue(plain(Bug.NONE), c);
    }
}
