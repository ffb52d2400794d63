package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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

    /** A kernel with times measured per geometry class of conv2d. */
    private record Timed(String variant, int ranking, long serviceId, Map<String, Long> nanos) implements KernelSelector.Choice {
        @Override
        public boolean eligible() {
            return true;
        }

        @Override
        public OptionalLong measuredNanos(String op, String geometryClass) {
            Long n = op.equals("conv2d") ? nanos.get(geometryClass) : null;
            return n == null ? OptionalLong.empty() : OptionalLong.of(n);
        }
    }

    private static final Timed REF = new Timed("direct", 0, 1, Map.of("general", 300_000_000L, "depthwise", 20_000_000L));
    private static final Timed FAST = new Timed("fast", 100, 2, Map.of("general", 2_000_000L, "depthwise", 1_000_000L));
    private static final Timed DW = new Timed("dw", 50, 3, Map.of("depthwise", 200_000L));
    private static final Timed SLOW_HIGH = new Timed("slow", 900, 4, Map.of("general", 100_000_000L, "depthwise", 50_000_000L));
    private static final Timed EQUAL_LOW = new Timed("equal", 10, 5, Map.of("general", 2_200_000L));

    @Test
    void theFastestMeasuredKernelLeadsEachGeometryClassWhateverItsRanking() {
        List<Timed> ordered = KernelSelector.ordered(List.of(REF, FAST, DW, SLOW_HIGH));
        assertEquals(List.of(FAST, SLOW_HIGH, REF, DW), KernelSelector.chain(ordered, null, "conv2d", "general"));
        assertEquals(List.of(DW, FAST, REF, SLOW_HIGH), KernelSelector.chain(ordered, null, "conv2d", "depthwise"));
        // Nothing measured for this op: ranking alone, as before.
        assertEquals(List.of(SLOW_HIGH, FAST, DW, REF), KernelSelector.chain(ordered, null, "relu", "all"));
    }

    @Test
    void aTieWithinTheNoiseMarginGoesToTheHigherRankingAndAPinStillWins() {
        List<Timed> ordered = KernelSelector.ordered(List.of(REF, FAST, EQUAL_LOW));
        // 2.2 ms is within 25% of 2.0 ms: ranking decides, and the lower-ranked kernel does not displace the other.
        assertEquals(List.of(FAST, EQUAL_LOW, REF), KernelSelector.chain(ordered, null, "conv2d", "general"));
        Timed equalHigh = new Timed("equal-high", 500, 6, Map.of("general", 2_200_000L));
        assertEquals(List.of(equalHigh, FAST, REF), KernelSelector.chain(KernelSelector.ordered(List.of(REF, FAST, equalHigh)), null,
                "conv2d", "general"));
        assertEquals(List.of(REF, FAST, EQUAL_LOW), KernelSelector.chain(ordered, "direct", "conv2d", "general"));
    }
}
