package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition: service changes in OSGi are asynchronous (Config Admin, FileInstall). */
final class Await {
    /**
     * How long a test waits for the kernels present to be verified (registry.awaitSettled). The gate verifies
     * one kernel at a time, every reference at startup; with sub, mul, div, matmul and softsign the references serve
     * 37 ops, and on the shared 2-core machine (load average 25 measured during a full build) startup took
     * longer than the former 60 s. A bound for a hang, not a verdict on speed.
     */
    static final long SETTLE_MILLIS = 180_000;

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, condition, () -> "");
    }

    static void until(String what, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; state: " + state.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
