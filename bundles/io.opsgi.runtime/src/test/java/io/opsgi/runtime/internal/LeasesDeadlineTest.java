package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.op.ConvGeometry;
import io.opsgi.op.GeometryClass;
import io.opsgi.runtime.chain.KernelChain;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

/** A live call's deadline scales with the call's work, from the gate's measured time per unit of work, above the floor. */
class LeasesDeadlineTest {
    private static final long SECOND = 1_000_000_000L;
    private final Selection selection = new Selection();
    private final Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (p, m, a) -> m.getReturnType() == boolean.class ? false : null);
    private final Leases leases = new Leases(selection, new GateState(selection, new KernelEventPosts(), log), log, () -> 1_000);

    @AfterEach
    void stop() {
        leases.stopWatching();
    }

    @Test
    void aBigCallGetsItsMeasuredRateTimesItsWorkAndASmallOneTheFloor() {
        leases.watch(1_000, null);
        Candidate c = new Candidate(null, List.of("relu"), "x", 0, 1, "b");
        c.measured("relu", GeometryClass.ALL, 4_000_000, 1.0); // 1 ns per unit of work
        assertEquals(SECOND, leases.budgetNanos(c, "relu", GeometryClass.ALL, 1_000), "a small call: the floor");
        assertEquals(Leases.DEADLINE_FACTOR * 1_000 * SECOND / 1_000, leases.budgetNanos(c, "relu", GeometryClass.ALL, SECOND),
                "a call of 10^9 units, measured at 1 ns each: 20 s, past the floor");
        assertEquals(SECOND, leases.budgetNanos(c, "relu", "other", SECOND), "nothing measured for the class: the floor");
    }

    @Test
    void withoutTheWorkOfItsTimingsAKernelGetsAMultipleOfItsMeasuredTime() {
        leases.watch(1_000, null);
        Candidate c = new Candidate(null, List.of("relu"), "x", 0, 1, "b");
        c.measured("relu", GeometryClass.ALL, 100_000_000, 0);
        assertEquals(2 * SECOND, leases.budgetNanos(c, "relu", GeometryClass.ALL, 10));
        assertEquals(2 * SECOND, leases.budgetNanos(c, "relu", GeometryClass.ALL, 10 * SECOND));
    }

    @Test
    void aConvolutionsWorkIsItsMultiplyAddsPlusItsElements() {
        ConvGeometry g = new ConvGeometry(1, 4, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 8, 8);
        float[] x = new float[4 * 64], w = new float[6 * 4 * 9], y = new float[6 * 64];
        assertEquals(x.length + w.length + y.length + 6L * 64 * 4 * 9, KernelChain.work(new Object[] {g, x, w, null, y}));
        assertEquals(5, KernelChain.work(new Object[] {null, new float[3], new float[2]}));
    }
}
