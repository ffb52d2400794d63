package io.opsgi.runtime.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which kernel serves an op: the whole selection policy, pure and small so that it can take more
 * conditions (verification state, health) without touching the registry's concurrency.
 *
 * <p>Per op and geometry class the fastest measured kernel serves, as FFTW's planner or cuDNN's
 * benchmark mode choose: the gate times every kernel against the ones serving in the same run. Times
 * within {@link #NOISE_MARGIN} of the fastest count as a tie, and ties go to the higher ranking, so a
 * newcomer displaces a kernel only when it is clearly faster and a slower one never does. A pin wins
 * over both. Kernels never timed in a class (the gate is off, or they decline its workloads) follow
 * the timed ones, by ranking.
 */
final class KernelSelector {
    /** What selection needs to know of a kernel. */
    interface Choice {
        String variant();

        int ranking();

        long serviceId();

        boolean eligible();

        /** The median call time the gate measured for calls of {@code op} in {@code geometryClass}. */
        default OptionalLong measuredNanos(String op, String geometryClass) {
            return OptionalLong.empty();
        }
    }

    /**
     * Medians within this factor of the fastest are a tie. The gate's medians come from a few
     * interleaved runs on machines shared with other work; a margin of 10% would let that noise
     * reorder kernels of equal speed, while every speed-up worth a swap is far larger.
     */
    static final double NOISE_MARGIN = 1.25;

    /** Highest ranking first; equal rankings: lowest service id first (OSGi's rule). */
    static final Comparator<Choice> ORDER = Comparator.comparingInt(Choice::ranking).reversed().thenComparingLong(Choice::serviceId);

    private KernelSelector() {
    }

    static <C extends Choice> List<C> ordered(List<C> choices) {
        List<C> sorted = new ArrayList<>(choices);
        sorted.sort(ORDER);
        return sorted;
    }

    /** The pinned variant if it is present and eligible, else the first eligible choice in order. */
    static <C extends Choice> Optional<C> select(List<C> ordered, String pinnedVariant) {
        return chain(ordered, pinnedVariant).stream().findFirst();
    }

    /**
     * Every eligible choice in ranking order, the pinned variant first (if eligible): the order calls
     * try them when nothing was measured.
     */
    static <C extends Choice> List<C> chain(List<C> ordered, String pinnedVariant) {
        return chain(ordered, pinnedVariant, null, null);
    }

    /**
     * Every eligible choice in the order calls of {@code op} in {@code geometryClass} try them: the
     * pinned variant first (if eligible), then the measured ones fastest first (a tie within
     * {@link #NOISE_MARGIN} goes to the higher ranking), then the unmeasured ones by ranking. The
     * head is the active kernel; the ones behind it answer what it does not support or fails.
     */
    static <C extends Choice> List<C> chain(List<C> ordered, String pinnedVariant, String op, String geometryClass) {
        List<C> chain = new ArrayList<>(ordered.size());
        if (pinnedVariant != null) {
            for (C c : ordered) {
                if (c.eligible() && c.variant().equals(pinnedVariant)) {
                    chain.add(c);
                    break;
                }
            }
        }
        List<C> timed = new ArrayList<>();
        List<C> untimed = new ArrayList<>();
        for (C c : ordered) {
            if (c.eligible() && !chain.contains(c)) {
                (op != null && c.measuredNanos(op, geometryClass).isPresent() ? timed : untimed).add(c);
            }
        }
        while (!timed.isEmpty()) {
            long fastest = timed.stream().mapToLong(c -> c.measuredNanos(op, geometryClass).getAsLong()).min().getAsLong();
            // The highest-ranked of the kernels tied with the fastest (timed keeps ranking order).
            C next = timed.stream().filter(c -> c.measuredNanos(op, geometryClass).getAsLong() <= fastest * NOISE_MARGIN).findFirst()
                    .orElseThrow();
            chain.add(next);
            timed.remove(next);
        }
        chain.addAll(untimed);
        return chain;
    }
}
