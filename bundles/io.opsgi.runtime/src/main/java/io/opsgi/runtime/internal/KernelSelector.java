package io.opsgi.runtime.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which kernel serves an op: the whole selection policy, pure and small so that it can take more
 * conditions (verification state, health) without touching the registry's concurrency.
 */
final class KernelSelector {
    /** What selection needs to know of a kernel. */
    interface Choice {
        String variant();

        int ranking();

        long serviceId();

        boolean eligible();
    }

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
     * Every eligible choice in the order calls try them: the pinned variant first (if eligible), then
     * the rest by ranking. The active kernel is the head; the ones behind it answer what it does not
     * support or fails.
     */
    static <C extends Choice> List<C> chain(List<C> ordered, String pinnedVariant) {
        List<C> chain = new ArrayList<>(ordered.size());
        if (pinnedVariant != null) {
            for (C c : ordered) {
                if (c.eligible() && c.variant().equals(pinnedVariant)) {
                    chain.add(c);
                    break;
                }
            }
        }
        for (C c : ordered) {
            if (c.eligible() && !chain.contains(c)) {
                chain.add(c);
            }
        }
        return chain;
    }
}
