package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.runtime.LiveCallJudge;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shadow checks' budget outlives a reconfiguration: the registry starts new {@link ShadowChecks} on every
 * change of its configuration, and checks that started afresh would sample at once whatever they had just spent
 * (turning the checks off and on again, or any pin change, bought a check each time).
 */
class ShadowChecksBudgetTest {
    private static final LiveCallJudge AGREES = (op, geometry, inputs, output, reference, actual) -> null;
    private final List<ShadowChecks> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(ShadowChecks::close);
    }

    private ShadowChecks checks(ShadowChecks.Account account) {
        ShadowChecks s = new ShadowChecks(1.0, 0.005, () -> AGREES, (k, op, r) -> { }, account);
        started.add(s);
        return s;
    }

    private static ShadowChecks.Sample offer(ShadowChecks s) {
        return s.sample("relu", null, new Object[] {null, new float[4], new float[4]}, new int[] {2});
    }

    @Test
    void checksRestartedOnTheSameAccountKeepItsDebt() {
        ShadowChecks.Account account = new ShadowChecks.Account();
        ShadowChecks first = checks(account);
        assertNotNull(offer(first), "a fresh account within its budget: the call is sampled (rate 1)");
        account.busyNanos.addAndGet(1_000_000_000L); // as if a check had just taken 1 s: 200 s of budget at 0.5%
        assertNull(offer(first), "in debt: not sampled");
        first.close();
        assertNull(offer(checks(account)), "restarted on the same account (a reconfiguration): still in debt, not sampled");
        assertNotNull(offer(checks(new ShadowChecks.Account())), "a new account would have sampled it: this is what the account prevents");
    }

    @Test
    void theBudgetClockRunsOnlyWhileChecksAreOn() throws InterruptedException {
        ShadowChecks.Account account = new ShadowChecks.Account();
        checks(account).close();
        long paused = account.onNanos();
        Thread.sleep(20);
        assertEquals(paused, account.onNanos(), "no checks on: no budget earned (turning them on later buys no burst)");
        checks(account);
        Thread.sleep(5);
        assertTrue(account.onNanos() > paused, "on again: the clock runs");
    }
}
