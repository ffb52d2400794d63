package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.WrongBlockedMaxPool2d.Bug;
import io.opsgi.kernel.maxpool2d.direct.DirectMaxPool2d;
import io.opsgi.kernel.pool2d.vector.VectorMaxPool2d;
import io.opsgi.op.MaxPool2dKernel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replay and the differential check call every max pool's blocked entry point ({@link BlockedPath}): a pool right in
 * its plain calls but wrong on channel blocks is caught through it, once per bug of {@link WrongBlockedMaxPool2d}, and
 * the real vector pool passes.
 */
class BlockedMaxPoolPathTest {
    private static ReferenceVectors vectors;
    private final Replay replay = new Replay();

    @BeforeAll
    static void load() throws VectorFormatException {
        vectors = ReferenceVectorReplayTest.vectors();
    }

    /** The failing max_pool2d cases of {@code kernel}'s replay, each checked to fail through the blocked entry point only. */
    private List<CaseResult> failures(MaxPool2dKernel kernel) {
        List<CaseResult> failed = new ArrayList<>();
        for (VectorCase c : vectors.cases("max_pool2d")) {
            CaseResult r = replay.run(c, kernel, kernel.toString());
            if (r.failed()) {
                assertTrue(r.reason().startsWith("through its blocked entry points (x blocked8"), "plain calls are right:\n" + r.describe());
                failed.add(r);
            }
        }
        return failed;
    }

    @Test
    void zeroColumnsReadAsPaddingAreCaught() {
        assertTrue(failures(new WrongBlockedMaxPool2d(Bug.ZERO_COLUMNS_AS_PADDING)).size() >= 3);
    }

    @Test
    void anOrderFreeMaximumIsCaughtOnSignedZeros() {
        List<CaseResult> failed = failures(new WrongBlockedMaxPool2d(Bug.ORDER_FREE_MAXIMUM));
        assertFalse(failed.isEmpty());
        assertTrue(failed.stream().allMatch(r -> r.describe().contains("zero")), failed.get(0)::describe);
    }

    @Test
    void garbageInAnOutputZeroColumnFailsInOneLine() {
        List<CaseResult> failed = failures(new WrongBlockedMaxPool2d(Bug.GARBAGE_IN_A_ZERO_COLUMN));
        assertTrue(failed.size() >= 3, "only " + failed.size() + " cases caught");
        for (CaseResult r : failed) {
            assertTrue(r.reason().matches("through its blocked entry points \\(x [^\n]*\\): the blocked output's zero column \\d+ holds NaN at batch \\d+, "
                    + "channel \\d+, row \\d+, not 0"), r.reason());
        }
    }

    @Test
    void theDifferentialCheckCallsTheBlockedEntryPoint() {
        int failed = 0;
        for (VectorCase c : vectors.cases("max_pool2d")) {
            for (long seed = 1; seed <= 3; seed++) {
                Differential.Result d = Differential.check(c, new WrongBlockedMaxPool2d(Bug.ZERO_COLUMNS_AS_PADDING), new DirectMaxPool2d(), seed);
                if (d.verdict() == Differential.Verdict.FAILED) {
                    assertTrue(d.problem().startsWith("through its blocked entry points (x blocked8"), d.problem());
                    failed++;
                }
            }
        }
        assertTrue(failed >= 3, "only " + failed + " differential cases caught");
    }

    @Test
    void theControlAndTheRealVectorPoolPass() {
        assertEquals(List.of(), failures(new WrongBlockedMaxPool2d(Bug.NONE)).stream().map(CaseResult::describe).toList());
        assertEquals(List.of(), failures(new VectorMaxPool2d()).stream().map(CaseResult::describe).toList());
        for (MaxPool2dKernel k : List.of(new WrongBlockedMaxPool2d(Bug.NONE), new VectorMaxPool2d())) {
            for (VectorCase c : vectors.cases("max_pool2d")) {
                Differential.Result d = Differential.check(c, k, new DirectMaxPool2d(), 5);
                assertFalse(d.verdict() == Differential.Verdict.FAILED, d::problem);
            }
        }
    }

    @Test
    void theBlockedPathIsOfferedByPoolsWithABlockedEntryPoint() {
        assertTrue(BlockedPath.offers(new VectorMaxPool2d()));
        assertTrue(BlockedPath.offers(new WrongBlockedMaxPool2d(Bug.NONE)));
        assertFalse(BlockedPath.offers(new DirectMaxPool2d()));
    }
}
