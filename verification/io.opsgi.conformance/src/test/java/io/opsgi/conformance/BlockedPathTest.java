package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.BlockedPath.Blocks;
import io.opsgi.conformance.WrongBlockedConv2d.Bug;
import io.opsgi.kernel.conv2d.blocked.BlockedConv2d;
import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.op.Conv2dKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replay and the differential check call every kernel's blocked entry points ({@link BlockedPath}): a conv right in
 * its plain calls and its NCHW prepared runs but wrong on blocked values is caught through them, once per bug of
 * {@link WrongBlockedConv2d}, and the real blocked conv passes them.
 */
class BlockedPathTest {
    private static ReferenceVectors vectors;
    private final Replay replay = new Replay();

    @BeforeAll
    static void load() throws VectorFormatException {
        vectors = ReferenceVectorReplayTest.vectors();
    }

    /** The failing conv2d cases of {@code kernel}'s replay, each checked to fail through the blocked entry points only. */
    private List<CaseResult> failures(Conv2dKernel kernel) {
        List<CaseResult> failed = new ArrayList<>();
        for (VectorCase c : vectors.cases("conv2d")) {
            CaseResult r = replay.run(c, kernel, kernel.toString());
            if (r.failed()) {
                assertTrue(r.reason().startsWith("through its blocked entry points (x "), "plain calls and prepared runs are right:\n" + r.describe());
                failed.add(r);
            }
        }
        return failed;
    }

    @Test
    void anInputReadOneColumnOffIsCaught() {
        List<CaseResult> failed = failures(new WrongBlockedConv2d(Bug.INPUT_ONE_COLUMN_OFF));
        assertTrue(failed.size() >= 10, "only " + failed.size() + " cases caught");
        // only combinations with a blocked input can show it
        assertTrue(failed.stream().allMatch(r -> r.reason().startsWith("through its blocked entry points (x blocked8")), failed.get(0)::describe);
    }

    @Test
    void lanesPastTheChannelsReachingAChannelAreCaught() {
        List<CaseResult> failed = failures(new WrongBlockedConv2d(Bug.LANES_PAST_C_REACH_A_CHANNEL));
        assertTrue(failed.size() >= 10, "only " + failed.size() + " cases caught");
        assertTrue(failed.stream().allMatch(r -> r.reason().contains("lanes past the channels NaN")), failed.get(0)::describe);
    }

    @Test
    void garbageInAnOutputZeroColumnFailsInOneLine() {
        List<CaseResult> failed = failures(new WrongBlockedConv2d(Bug.GARBAGE_IN_A_ZERO_COLUMN));
        assertTrue(failed.size() >= 10, "only " + failed.size() + " cases caught");
        for (CaseResult r : failed) {
            assertTrue(r.reason().matches("through its blocked entry points \\(x [^\n]*\\): the blocked output's zero column \\d+ holds NaN at batch \\d+, "
                    + "channel \\d+, row \\d+, not 0"), r.reason());
        }
    }

    @Test
    void anIgnoredBlockedResidualIsCaught() {
        List<CaseResult> failed = failures(new WrongBlockedConv2d(Bug.IGNORES_BLOCKED_RESIDUAL));
        assertTrue(failed.size() >= 5, "only " + failed.size() + " cases caught");
        assertTrue(failed.stream().allMatch(r -> r.reason().contains(", residual blocked8")), failed.get(0)::describe);
    }

    @Test
    void anOutputWrittenOutsideItsPlaceFailsInOneLine() {
        List<CaseResult> failed = failures(new WrongBlockedConv2d(Bug.PLACED_OUTPUT_AT_ZERO));
        assertTrue(failed.size() >= 5, "only " + failed.size() + " cases caught");
        for (CaseResult r : failed) {
            assertTrue(r.reason().matches("through its blocked entry points \\(x [^\n]* placed at float \\d+, [^\n]*\\): the kernel wrote float \\d+ of "
                    + "the array its output is placed in, outside the output's floats \\[\\d+, \\d+\\)"), r.reason());
        }
    }

    /**
     * Every combination the replay may choose, each bug under it: caught exactly where the combination can show the bug
     * (a misplaced output where the output is placed, which the case's seed decides: the test above).
     */
    @Test
    void eachCombinationShowsTheBugsItCanShow() {
        VectorCase c = vectors.find("conv2d_padding_1").orElseThrow();
        for (Blocks b : List.of(Blocks.IN, Blocks.OUT, Blocks.IN_OUT, new Blocks(false, true, false), new Blocks(true, true, true))) {
            for (Bug bug : Bug.values()) {
                if (bug == Bug.PLACED_OUTPUT_AT_ZERO) {
                    continue;
                }
                boolean shows = switch (bug) {
                    case NONE, SCRATCH_SHARED_BY_RUNS, PLACED_OUTPUT_AT_ZERO -> false;
                    case INPUT_ONE_COLUMN_OFF, LANES_PAST_C_REACH_A_CHANNEL -> b.x();
                    case GARBAGE_IN_A_ZERO_COLUMN -> b.y();
                    case IGNORES_BLOCKED_RESIDUAL -> b.residual();
                };
                CaseResult r = replay.run(c, BlockedPath.of(new WrongBlockedConv2d(bug), b), bug + " " + b);
                assertEquals(shows, r.failed(), bug + " with " + b + ": " + r.describe());
            }
        }
    }

    @Test
    void theDifferentialCheckCallsTheBlockedEntryPointsWithOtherCombinations() {
        Conv2dKernel reference = new DirectConv2d();
        Set<String> combinations = new TreeSet<>();
        int failed = 0;
        for (VectorCase c : vectors.cases("conv2d")) {
            for (long seed = 1; seed <= 3; seed++) {
                Differential.Result d = Differential.check(c, new WrongBlockedConv2d(Bug.INPUT_ONE_COLUMN_OFF), reference, seed);
                if (d.verdict() == Differential.Verdict.FAILED) {
                    assertTrue(d.problem().startsWith("through its blocked entry points (x blocked8"), d.problem());
                    combinations.add(d.problem().substring(0, d.problem().indexOf(", lanes")));
                    failed++;
                }
            }
        }
        assertTrue(failed >= 10, "only " + failed + " differential cases caught");
        assertTrue(combinations.size() >= 3, "the seeds choose different combinations: " + combinations);
    }

    /** The real blocked conv's replay through its blocked entry points is ReferenceVectorReplayTest's (every kernel on the class path). */
    @Test
    void theControlAndTheRealBlockedConvPass() {
        assertEquals(List.of(), failures(new WrongBlockedConv2d(Bug.NONE)).stream().map(CaseResult::describe).toList());
        for (Conv2dKernel k : List.of(new WrongBlockedConv2d(Bug.NONE), new BlockedConv2d())) {
            for (VectorCase c : vectors.cases("conv2d")) {
                Differential.Result d = Differential.check(c, k, new DirectConv2d(), 5);
                assertFalse(d.verdict() == Differential.Verdict.FAILED, d::problem);
            }
        }
    }

    @Test
    void theBlockedPathIsOnlyOfferedWhereAPreparedConvHasBlockedEntryPoints() {
        assertTrue(BlockedPath.offers(new BlockedConv2d()));
        assertTrue(BlockedPath.offers(new WrongBlockedConv2d(Bug.NONE)));
        assertFalse(BlockedPath.offers(new DirectConv2d()));
        assertNull(BlockedPath.of(new io.opsgi.kernel.avgpool2d.direct.DirectAvgPool2d()));
        // a kernel without blocked entry points: its blocked path takes no call (a case passes only where the contract makes none)
        List<String> passed = new ArrayList<>();
        for (VectorCase c : vectors.cases("conv2d")) {
            CaseResult r = replay.run(c, BlockedPath.of(new DirectConv2d()), "direct (blocked)");
            assertFalse(r.failed(), r::describe);
            if (r.passed() && !c.isErrorCase()) {
                passed.add(c.name());
            }
        }
        assertTrue(passed.stream().allMatch(name -> name.contains("zero_")), "the direct conv has no blocked entry point, yet passed " + passed);
    }
}
