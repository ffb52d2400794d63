package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Guarded attempts: outputs come back only from a worker that answered in time; a late one writes only into its own buffers. */
class GuardedCallsTest {
    private static final long SECOND = 1_000_000_000L;
    private final GuardedCalls guard = new GuardedCalls();

    /** A kernel-shaped object: {@code out[i] = x[i] + 1}, or, on a negative first input, never returns and keeps writing. */
    public static final class PlusOne {
        volatile Thread runningOn;
        final CountDownLatch started = new CountDownLatch(1);
        volatile boolean stop;

        public void apply(float[] x, float[] out) {
            runningOn = Thread.currentThread();
            started.countDown();
            while (x[0] < 0 && !stop) {
                java.util.Arrays.fill(out, 666f); // spins, ignoring interrupts, writing all the while
                Thread.interrupted();
            }
            for (int i = 0; i < x.length; i++) {
                out[i] = x[i] + 1;
            }
        }
    }

    private static final Method APPLY;

    static {
        try {
            APPLY = PlusOne.class.getMethod("apply", float[].class, float[].class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void close() {
        guard.close();
    }

    @Test
    void whatTheGuardCostsIsAccountedApartFromTheKernelsOwnTime() throws Exception {
        PlusOne k = new PlusOne();
        float[] x = new float[1 << 16], out = new float[x.length];
        long[] kernelNanos = new long[1];
        for (int i = 0; i < 3; i++) {
            guard.run(APPLY, k, new Object[] {x, out}, new int[] {1}, 10 * SECOND, "-abandoned", n -> kernelNanos[0] += n);
        }
        assertEquals(3, guard.attempts());
        assertTrue(guard.spentNanos() > 0, "three hand-offs, clearings and copies of 256 KB cost something: " + guard.spentNanos());
        assertTrue(kernelNanos[0] > 0, "the kernel's own time is told apart: " + kernelNanos[0]);
    }

    @Test
    void anAnswerInTimeIsCopiedIntoTheCallersOutputAndTheWorkerServesTheNextCall() throws Exception {
        PlusOne k = new PlusOne();
        float[] x = {1, 2, 3}, out = new float[3];
        guard.run(APPLY, k, new Object[] {x, out}, new int[] {1}, 10 * SECOND, "-abandoned");
        assertArrayEquals(new float[] {2, 3, 4}, out);
        assertArrayEquals(new float[] {1, 2, 3}, x, "the input is the caller's own, unchanged");
        Thread first = k.runningOn;
        assertTrue(first != Thread.currentThread() && first.getName().startsWith("opsgi-guarded-call-"), first.getName());
        float[] x2 = {5, 6, 7}, out2 = {9, 9, 9};
        guard.run(APPLY, k, new Object[] {x2, out2}, new int[] {1}, 10 * SECOND, "-abandoned");
        assertArrayEquals(new float[] {6, 7, 8}, out2);
        assertEquals(first, k.runningOn, "the same hot worker");
        assertTrue(guard.costNanos(12) > 0, "the guard measured its cost");
    }

    @Test
    void aWorkerPastItsDeadlineIsAbandonedAndNamedAndItsWritesNeverReachTheCaller() throws Exception {
        PlusOne stuck = new PlusOne();
        float[] x = {-1, 2, 3}, out = new float[3];
        GuardedCalls.Overran e = assertThrows(GuardedCalls.Overran.class,
                () -> guard.run(APPLY, stuck, new Object[] {x, out}, new int[] {1}, SECOND / 20, "-abandoned-in-stuck"));
        Thread worker = stuck.runningOn;
        assertEquals(worker.getName(), e.workerName + "-abandoned-in-stuck");
        assertTrue(worker.isAlive(), "still spinning in the kernel");
        Thread.sleep(20); // it keeps writing 666 into its own buffer meanwhile
        assertArrayEquals(new float[3], out, "nothing the abandoned worker wrote reached the caller");
        PlusOne fine = new PlusOne();
        float[] y = {1, 1, 1};
        guard.run(APPLY, fine, new Object[] {y, out}, new int[] {1}, 10 * SECOND, "-abandoned");
        assertArrayEquals(new float[] {2, 2, 2}, out);
        assertTrue(fine.runningOn != worker, "a new worker took its place");
        stuck.stop = true;
        worker.join(10_000);
        assertTrue(!worker.isAlive(), "an abandoned worker that comes back ends; it is never taken again");
        Thread.sleep(20);
        assertArrayEquals(new float[] {2, 2, 2}, out);
    }

    @Test
    void anInterruptedCallerStopsWaitingAndTheWorkerReturnsToThePoolUnread() throws Exception {
        PlusOne slow = new PlusOne();
        float[] x = {-1, 2}, out = new float[2];
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                guard.run(APPLY, slow, new Object[] {x, out}, new int[] {1}, 100 * SECOND, "-abandoned");
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        slow.started.await();
        caller.interrupt();
        caller.join(10_000);
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        Thread worker = slow.runningOn;
        assertTrue(!worker.getName().contains("abandoned"), "a caller's cancellation blames no kernel: " + worker.getName());
        assertArrayEquals(new float[2], out);
        slow.stop = true;
        for (int i = 0; i < 10_000 && worker.getState() != Thread.State.TIMED_WAITING; i++) {
            Thread.sleep(1); // until the cancelled worker is back in the pool, waiting for a call
        }
        PlusOne next = new PlusOne();
        float[] y = {3, 4}, out2 = new float[2];
        guard.run(APPLY, next, new Object[] {y, out2}, new int[] {1}, 10 * SECOND, "-abandoned");
        assertArrayEquals(new float[] {4, 5}, out2);
        assertEquals(worker, next.runningOn, "the cancelled call's worker serves again, with no stray interrupt");
    }
}
