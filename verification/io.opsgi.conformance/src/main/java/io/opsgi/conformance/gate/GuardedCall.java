package io.opsgi.conformance.gate;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one kernel call on a daemon thread of its own and waits a bounded time, so a kernel that
 * never returns on some input is named by the check that found it instead of stalling the whole
 * verification until the gate's limit. Java cannot stop the thread: it is interrupted and abandoned.
 */
final class GuardedCall {
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** The call did not return in time; {@link #thread} is the abandoned thread's name. */
    static final class Overrun extends Exception {
        private static final long serialVersionUID = 1L;
        final String thread;

        Overrun(String thread) {
            super(null, null, false, false);
            this.thread = thread;
        }
    }

    private GuardedCall() {
    }

    /** {@code call}'s result; its exception as thrown (unwrapped); {@link Overrun} after {@code millis}. */
    static <T> T run(Callable<T> call, long millis, String name) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread t = new Thread(task, "opsgi-gate-call-" + name + "-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.start();
        try {
            return task.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new Overrun(t.getName());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (InterruptedException e) {
            t.interrupt();
            throw e;
        }
    }
}
