package io.opsgi.runtime.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ConvGeometry;
import io.opsgi.op.ElementwiseKernel;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class KernelChainTest {
    private static final ConvGeometry PLAIN = new ConvGeometry(1, 2, 3, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, 3, 3);
    private static final ConvGeometry DEPTHWISE = new ConvGeometry(1, 2, 3, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 2, 3, 3);

    /** Fills y with a constant; supports only the geometries it is told to. */
    private record Filler(float value, boolean depthwiseOnly) implements Conv2dKernel {
        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            Arrays.fill(y, value);
        }

        @Override
        public boolean supports(ConvGeometry g) {
            return !depthwiseOnly || g.groups() == g.cIn();
        }

        @Override
        public String toString() {
            return "filler(" + value + ")";
        }
    }

    private static final class Thrower implements Conv2dKernel {
        final IllegalStateException error = new IllegalStateException("kernel bug");

        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            y[0] = 42; // a partial write the next kernel must overwrite
            throw error;
        }
    }

    /** Records what the chain reports. */
    private static final class Log implements KernelChain.Monitor {
        final List<String> events = new ArrayList<>();
        int skip = -1;

        @Override
        public boolean enter(int index) {
            events.add("enter " + index);
            return index != skip;
        }

        int overrun = -1;

        @Override
        public boolean overran(int index) {
            return index == overrun;
        }

        @Override
        public void exit(int index) {
            events.add("exit " + index);
        }

        @Override
        public void failed(int index, Method method, Object[] args, String problem, Throwable error) {
            events.add("failed " + index + ": " + problem);
        }

        @Override
        public void served(int index) {
            events.add("served " + index);
        }
    }

    /** Adds into y instead of writing it: right only on a zeroed output, like a kernel that accumulates. */
    private static final class Accumulator implements Conv2dKernel {
        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            for (int i = 0; i < y.length; i++) {
                y[i] += 1;
            }
        }
    }

    /** Throws what it is given, as a kernel would that met it. */
    private record Raiser(RuntimeException runtime, Error error) implements Conv2dKernel {
        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            y[3] = 99;
            if (error != null) {
                throw error;
            }
            throw runtime;
        }
    }

    /** Counts its calls and fills y with a constant. */
    private static final class Counting implements Conv2dKernel {
        final float value;
        int calls;

        Counting(float value) {
            this.value = value;
        }

        @Override
        public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
            calls++;
            Arrays.fill(y, value);
        }
    }

    private static float[] call(Conv2dKernel k, ConvGeometry g) {
        float[] y = new float[18];
        k.conv2d(g, new float[18], new float[2], null, y);
        return y;
    }

    private static float[] filled(float v) {
        float[] y = new float[18];
        Arrays.fill(y, v);
        return y;
    }

    @Test
    void aThrowingKernelIsAnsweredByTheNextAndReported() {
        Log log = new Log();
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Thrower(), new Filler(1, false)), log);
        assertArrayEquals(filled(1), call(chain, PLAIN));
        // The failure is reported while kernel 0 is still entered, so its owner can quarantine it before it is released.
        assertEquals(List.of("enter 0", "failed 0: threw java.lang.IllegalStateException: kernel bug", "exit 0", "enter 1", "exit 1",
                "served 1"), log.events);
    }

    @Test
    void nonFiniteOutputIsRecomputedAndBlamedOnlyWhenTheNextKernelIsFinite() {
        Log log = new Log();
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Filler(Float.NaN, false), new Filler(2, false)), log);
        assertArrayEquals(filled(2), call(chain, PLAIN));
        assertTrue(log.events.contains("failed 0: wrote non-finite values where filler(2.0) writes finite ones"), log.events.toString());

        Log agree = new Log();
        Conv2dKernel both = KernelChain.of(Conv2dKernel.class, List.of(new Filler(Float.NaN, false), new Filler(Float.POSITIVE_INFINITY, false)),
                agree);
        assertArrayEquals(filled(Float.POSITIVE_INFINITY), call(both, PLAIN));
        assertFalse(agree.events.stream().anyMatch(e -> e.startsWith("failed")), agree.events.toString());
    }

    @Test
    void callsGoToTheFirstKernelThatSupportsTheGeometry() {
        Log log = new Log();
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Filler(3, true), new Filler(4, false)), log);
        assertArrayEquals(filled(3), call(chain, DEPTHWISE));
        assertArrayEquals(filled(4), call(chain, PLAIN));
        assertFalse(log.events.stream().anyMatch(e -> e.startsWith("failed")));
        assertTrue(chain.supports(PLAIN));
    }

    @Test
    void aKernelTheMonitorRefusesIsSkipped() {
        Log log = new Log();
        log.skip = 0;
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Filler(5, false), new Filler(6, false)), log);
        assertArrayEquals(filled(6), call(chain, PLAIN));
        assertEquals(List.of("enter 0", "enter 1", "exit 1", "served 1"), log.events);
    }

    @Test
    void aChainOfOneBehavesLikeItsKernel() {
        Thrower thrower = new Thrower();
        Conv2dKernel alone = KernelChain.only(Conv2dKernel.class, thrower);
        assertSame(thrower.error, assertThrows(IllegalStateException.class, () -> call(alone, PLAIN)));
        assertArrayEquals(filled(Float.NaN), call(KernelChain.only(Conv2dKernel.class, new Filler(Float.NaN, false)), PLAIN));
        Conv2dKernel depthwiseOnly = KernelChain.only(Conv2dKernel.class, new Filler(7, true));
        assertFalse(depthwiseOnly.supports(PLAIN));
        assertThrows(KernelChain.UnsupportedGeometryException.class, () -> call(depthwiseOnly, PLAIN));
    }

    @Test
    void kernelsWithoutSupportsTakeEveryCall() {
        ElementwiseKernel relu = (a, x, y) -> {
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        };
        ElementwiseKernel chain = KernelChain.only(ElementwiseKernel.class, relu);
        float[] y = new float[2];
        chain.activate(ActivationAttrs.of(Activation.RELU), new float[] {-1, 2}, y);
        assertArrayEquals(new float[] {0, 2}, y);
    }

    @Test
    void theNextKernelGetsClearedOutputsNotAFailedAttemptsPartialWrites() {
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Thrower(), new Accumulator()), new Log());
        assertArrayEquals(filled(1), call(chain, PLAIN)); // 43 at [0] if the thrower's partial write leaked through
    }

    @Test
    void anInterruptedCallerGetsACancellationAndNoKernelIsBlamed() {
        Log log = new Log();
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Raiser(new IllegalStateException("interrupted while waiting"), null),
                new Filler(1, false)), log);
        Thread.currentThread().interrupt();
        try {
            CancellationException e = assertThrows(CancellationException.class, () -> call(chain, PLAIN));
            assertTrue(e.getMessage().contains("no kernel is blamed"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt stays set");
        } finally {
            Thread.interrupted();
        }
        assertFalse(log.events.stream().anyMatch(e -> e.startsWith("failed")), log.events.toString());
        // The same kernel on a caller that was not interrupted is blamed: the rule looks at the caller, not the message.
        assertThrows(IllegalStateException.class, () -> call(KernelChain.only(Conv2dKernel.class,
                new Raiser(new IllegalStateException("interrupted while waiting"), null)), PLAIN));
        Log plain = new Log();
        call(KernelChain.of(Conv2dKernel.class, List.of(new Raiser(new IllegalStateException("x"), null), new Filler(1, false)), plain), PLAIN);
        assertTrue(plain.events.contains("failed 0: threw java.lang.IllegalStateException: x"), plain.events.toString());
    }

    @Test
    void anInterruptCaughtInsideTheKernelStillEndsTheCallWithoutBlameButAKernelsOwnCancellationIsBlamed() {
        Log log = new Log();
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Raiser(new IllegalStateException("wait failed",
                new InterruptedException()), null), new Filler(1, false)), log);
        assertThrows(CancellationException.class, () -> call(chain, PLAIN));
        assertFalse(log.events.stream().anyMatch(e -> e.startsWith("failed")), log.events.toString());

        Log own = new Log();
        Conv2dKernel cancelling = KernelChain.of(Conv2dKernel.class, List.of(new Raiser(new CancellationException("gave up"), null),
                new Filler(1, false)), own);
        assertArrayEquals(filled(1), call(cancelling, PLAIN));
        assertTrue(own.events.contains("failed 0: threw java.util.concurrent.CancellationException: gave up"), own.events.toString());
    }

    @Test
    void outOfMemoryAndStackOverflowFailTheCallAndBlameNoKernel() {
        for (Error error : new Error[] {new OutOfMemoryError("Java heap space"), new StackOverflowError()}) {
            Log log = new Log();
            Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Raiser(null, error), new Filler(1, false)), log);
            Error thrown = assertThrows(error.getClass(), () -> call(chain, PLAIN));
            assertTrue(thrown.getMessage().contains("nothing is quarantined"), thrown.getMessage());
            assertSame(error, thrown.getCause());
            assertFalse(log.events.stream().anyMatch(e -> e.startsWith("failed")), log.events.toString());
        }
        // Any other Error is the kernel's.
        Log log = new Log();
        call(KernelChain.of(Conv2dKernel.class, List.of(new Raiser(null, new AssertionError("bug")), new Filler(1, false)), log), PLAIN);
        assertTrue(log.events.contains("failed 0: threw java.lang.AssertionError: bug"), log.events.toString());
    }

    @Test
    void aNonFiniteOutputCostsOneReferenceCallNotTheWholeChain() {
        Counting middle = new Counting(Float.NaN);
        Counting reference = new Counting(Float.NaN);
        Log log = new Log();
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Counting(Float.NaN), middle, reference), log);
        assertArrayEquals(filled(Float.NaN), call(chain, PLAIN));
        assertEquals(0, middle.calls, "the kernels between the head and the reference are not run");
        assertEquals(1, reference.calls);
        assertFalse(log.events.stream().anyMatch(e -> e.startsWith("failed")), log.events.toString());
    }

    @Test
    void anAttemptThatOverranItsDeadlineIsAnsweredByTheNextKernelAndTheWatchdogsInterruptCleared() {
        Log log = new Log();
        log.overrun = 0;
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(new Conv2dKernel() {
            @Override
            public void conv2d(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
                y[1] = 7;
                Thread.currentThread().interrupt(); // what the watchdog does to an overrunning attempt
            }
        }, new Accumulator()), log);
        assertArrayEquals(filled(1), call(chain, PLAIN));
        assertFalse(Thread.currentThread().isInterrupted());
        assertFalse(log.events.stream().anyMatch(e -> e.startsWith("failed")), "the watchdog blamed it already: " + log.events);
    }

    /** prepare goes to the first kernel that supports the geometry, and what it made comes back (runs on that kernel). */
    @Test
    void prepareReturnsWhatTheFirstSupportingKernelMade() {
        Filler depthwise = new Filler(1f, true), plain = new Filler(2f, false);
        Conv2dKernel chain = KernelChain.of(Conv2dKernel.class, List.of(depthwise, plain), new Log());
        io.opsgi.op.PreparedConv2d p = chain.prepare(PLAIN, new float[4], null, io.opsgi.op.Epilogue.NONE);
        assertSame(plain, p.kernel());
        float[] y = new float[18];
        p.run(new float[18], null, y);
        assertEquals(2f, y[0]);
        assertSame(depthwise, chain.prepare(DEPTHWISE, new float[2], null, io.opsgi.op.Epilogue.NONE).kernel());
    }
}
