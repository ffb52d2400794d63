package io.opsgi.op;

/**
 * The intra-op thread count of the kernels, and how a caller wants the kernel calls it makes split: the one place
 * both a kernel's thread pool ({@code io.opsgi.kernel.support.Parallel}, which reads it) and a network's plan (which
 * chooses per step, {@link Split}) can reach without the plan depending on the kernels' support bundle, which is
 * refreshed with the kernels.
 *
 * <p>The count is {@code opsgi.threads} (system property, or Config Admin PID {@code io.opsgi.threads}), defaulting
 * to the available processors.
 */
public final class IntraOp {
    public static final String THREADS_PROPERTY = "opsgi.threads";

    /** How the kernel calls made inside {@link #run} use the intra-op threads. */
    public enum Split {
        /** As the kernel decides (small work on the calling thread, by its flop rule). */
        DEFAULT,
        /** On the calling thread alone. */
        ONE,
        /** On all intra-op threads, whatever the work's size. */
        ALL
    }

    private static volatile int threads = initialThreads();
    private static final ThreadLocal<Split> SPLIT = ThreadLocal.withInitial(() -> Split.DEFAULT);

    private IntraOp() {
    }

    /** The configured intra-op thread count. */
    public static int threads() {
        return threads;
    }

    /** Sets the intra-op thread count (at least 1); takes effect for calls that start afterwards. */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException(THREADS_PROPERTY + " must be at least 1, got " + n);
        }
        threads = n;
    }

    /** The split the calling thread asked for ({@link Split#DEFAULT} outside {@link #run}). */
    public static Split split() {
        return SPLIT.get();
    }

    /** Runs {@code body} with its kernel calls split as {@code split} says; the caller's previous split is restored after. */
    public static void run(Split split, Runnable body) {
        Split before = SPLIT.get();
        if (before == split) {
            body.run();
            return;
        }
        SPLIT.set(split);
        try {
            body.run();
        } finally {
            SPLIT.set(before);
        }
    }

    private static int initialThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value != null && !value.isBlank()) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default, as an absent property would
            }
            System.err.println("opsgi: ignoring " + THREADS_PROPERTY + "=" + value + " (must be an integer >= 1)");
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
