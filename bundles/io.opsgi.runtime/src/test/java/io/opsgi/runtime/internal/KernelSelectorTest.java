package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelSelectorTest {
    private record K(String variant, int ranking, long serviceId, boolean eligible) implements KernelSelector.Choice {
    }

    private static final K DIRECT = new K("direct", 0, 10, true);
    private static final K GEMM = new K("gemm", 100, 12, true);
    private static final K BLOCKED = new K("blocked", 200, 11, true);
    private static final K PENDING = new K("winograd", 300, 13, false);
    private static final K TIE = new K("tie", 100, 9, true);

    @Test
    void orderIsRankingThenLowerServiceId() {
        assertEquals(List.of(PENDING, BLOCKED, TIE, GEMM, DIRECT), KernelSelector.ordered(List.of(DIRECT, GEMM, BLOCKED, PENDING, TIE)));
    }

    @Test
    void theChainHoldsOnlyEligibleKernelsWithThePinFirst() {
        List<K> ordered = KernelSelector.ordered(List.of(DIRECT, GEMM, BLOCKED, PENDING));
        assertEquals(List.of(BLOCKED, GEMM, DIRECT), KernelSelector.chain(ordered, null));
        assertEquals(List.of(GEMM, BLOCKED, DIRECT), KernelSelector.chain(ordered, "gemm"));
        assertEquals(Optional.of(GEMM), KernelSelector.select(ordered, "gemm"));
    }

    @Test
    void aPinOnAnIneligibleOrAbsentVariantFallsBackToRanking() {
        List<K> ordered = KernelSelector.ordered(List.of(DIRECT, GEMM, PENDING));
        assertEquals(List.of(GEMM, DIRECT), KernelSelector.chain(ordered, "winograd"));
        assertEquals(List.of(GEMM, DIRECT), KernelSelector.chain(ordered, "nope"));
        assertEquals(Optional.empty(), KernelSelector.select(List.of(PENDING), null));
    }
}
