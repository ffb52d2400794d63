package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int before = Parallel.configuredThreads();

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    @Test
    void everyTaskRunsExactlyOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            Parallel.forEach(1000, seen::incrementAndGet);
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, seen.get(i), "task " + i + " at " + threads + " threads");
            }
        }
    }

    @Test
    void rangesCoverWithoutOverlap() {
        Parallel.setThreads(2);
        for (int n : new int[] {1, 7, 64, 1001}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            Parallel.forRange(n, 3, (from, to) -> {
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen.get(i), "index " + i + " of " + n);
            }
        }
    }

    @Test
    void aFailingTaskReachesTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forEach(100, i -> {
            if (i == 57) {
                throw boom;
            }
        }));
        assertSame(boom, thrown);
    }

    /** An interrupted caller used to get an exception while helpers still wrote: now every task finishes first. */
    @Test
    void anInterruptedCallerReturnsOnlyWhenEveryTaskHasFinished() {
        Parallel.setThreads(3);
        AtomicIntegerArray done = new AtomicIntegerArray(64);
        Thread.currentThread().interrupt();
        try {
            Parallel.forEach(64, i -> {
                long until = System.nanoTime() + 2_000_000; // 2 ms of work per task, so helpers are mid-task when the caller waits
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                done.set(i, 1);
            });
            for (int i = 0; i < 64; i++) {
                assertEquals(1, done.get(i), "task " + i + " had not finished when forEach returned");
            }
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is kept for it to act on");
        } finally {
            Thread.interrupted();
        }
    }

    /** Helpers are shared: callers on several threads at once, back to back, each get every one of their tasks run exactly once. */
    @Test
    void concurrentCallersShareTheHelpersWithoutLosingOrRepeatingTasks() throws Exception {
        Parallel.setThreads(3);
        int callers = 4, calls = 300, tasks = 37;
        AtomicIntegerArray seen = new AtomicIntegerArray(callers * calls * tasks);
        Thread[] threads = new Thread[callers];
        Throwable[] failures = new Throwable[callers];
        for (int c = 0; c < callers; c++) {
            int caller = c;
            threads[c] = new Thread(() -> {
                try {
                    for (int k = 0; k < calls; k++) {
                        int base = (caller * calls + k) * tasks;
                        Parallel.forEach(tasks, i -> seen.incrementAndGet(base + i));
                        for (int i = 0; i < tasks; i++) {
                            // every task is done when forEach returns, not later
                            assertEquals(1, seen.get(base + i), "caller " + caller + ", call " + k + ", task " + i);
                        }
                    }
                } catch (Throwable t) {
                    failures[caller] = t;
                }
            });
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Throwable f : failures) {
            if (f != null) {
                throw new AssertionError(f);
            }
        }
    }

    @Test
    void nestedLoopsRunInlineInsteadOfDeadlocking() {
        Parallel.setThreads(2);
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        Parallel.forEach(8, i -> Parallel.forEach(8, j -> seen.incrementAndGet(i * 8 + j)));
        for (int i = 0; i < 64; i++) {
            assertEquals(1, seen.get(i));
        }
    }

    /** Inline, a kernel that splits by threads() gets 1, as on a one-thread configuration; the configured count stays readable. */
    @Test
    void insideInlineThreadsIsOne() {
        Parallel.setThreads(2);
        int[] seen = new int[2];
        Parallel.inline(() -> {
            seen[0] = Parallel.threads();
            seen[1] = Parallel.configuredThreads();
        });
        assertEquals(1, seen[0]);
        assertEquals(2, seen[1]);
        assertEquals(2, Parallel.threads(), "back to the configured count after inline");
    }

    /** sized keeps small work on the calling thread; inside spread it splits it over the helpers like large work. */
    @Test
    void spreadLiftsTheFlopRule() {
        Parallel.setThreads(2);
        Set<Thread> small = ConcurrentHashMap.newKeySet(), spread = ConcurrentHashMap.newKeySet();
        Parallel.sized(1, () -> Parallel.forEach(64, i -> small.add(Thread.currentThread())));
        assertEquals(Set.of(Thread.currentThread()), small, "below the flop rule: the calling thread alone");
        for (int attempt = 0; attempt < 200 && spread.size() < 2; attempt++) { // a helper whose core is busy may miss a call
            Parallel.spread(() -> Parallel.sized(1, () -> Parallel.forEach(64, i -> {
                spread.add(Thread.currentThread());
                long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            })));
        }
        assertTrue(spread.size() >= 2, "inside spread a helper took tasks too: " + spread);
    }

    @Test
    void oneThreadRunsARangeAsOnePiece() {
        Parallel.setThreads(1);
        AtomicIntegerArray pieces = new AtomicIntegerArray(1);
        Parallel.forRange(1000, 3, (from, to) -> {
            pieces.incrementAndGet(0);
            assertEquals(0, from);
            assertEquals(1000, to);
        });
        assertEquals(1, pieces.get(0));
    }

    @Test
    void threadCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
