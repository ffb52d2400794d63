package io.opsgi.kernel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int before = Parallel.threads();

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

    @Test
    void threadCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
