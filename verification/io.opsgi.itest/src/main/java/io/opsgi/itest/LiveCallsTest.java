package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.itest.fixtures.FixtureConv2d;
import io.opsgi.itest.fixtures.FixtureRelu;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;

/**
 * Live calls: faults are blamed on the right party (a cancelled caller, a JVM out of memory, a
 * refresh of a bundle every kernel imports), a call that overruns its deadline is answered by the
 * next kernel, a sampled shadow check finds a kernel wrong only on live inputs, and concurrent pins
 * all land. Real Felix, real kernel bundles (the fast conv2d chain blocked/gemm/depthwise/direct)
 * and fixture jars built at test time.
 */
class LiveCallsTest extends WithRegistry {
    private static final String CONV = "conv2d";

    private final List<Bundle> installed = new ArrayList<>();
    private Path jars;

    /** One conv2d configuration, its inputs and the reference kernel's output. */
    private record Work(String name, Tensor[] in, Conv2dAttrs attrs, Tensor expected, int k) {
        Tensor run(Conv2dKernel kernel) {
            return Conv2d.apply(kernel, in[0], in[1], in[2], attrs);
        }
    }

    @BeforeEach
    void settled() throws Exception {
        jars = Files.createTempDirectory("opsgi-live");
        assertTrue(registry.awaitSettled(Await.SETTLE_MILLIS), "the built-in kernels are verified at startup");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = installed.size() - 1; i >= 0; i--) {
            if (installed.get(i).getState() != Bundle.UNINSTALLED) {
                installed.get(i).uninstall();
            }
        }
        Await.until("the reference conv2d again", () -> active().equals("direct"), this::state);
    }

    @Test
    void interruptedAndCancelledCallersGetARightAnswerOrACancellationAndNoKernelIsQuarantined() throws Exception {
        installRealConvChain();
        List<Work> work = List.of(work("3x3", 2, 48, 28, 28, 48, 3, 1, 1), work("1x1", 2, 64, 28, 28, 64, 1, 0, 1),
                work("depthwise", 2, 64, 28, 28, 64, 3, 1, 64));
        List<String> wrong = new CopyOnWriteArrayList<>();
        List<String> failed = new CopyOnWriteArrayList<>();
        AtomicLong completed = new AtomicLong(), cancelled = new AtomicLong();
        Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();

        // 1. 40 calls made with the caller's interrupt flag already set.
        for (int i = 0; i < 40; i++) {
            Thread.currentThread().interrupt();
            try {
                call(work.get(i % work.size()), wrong, failed, completed, cancelled, servedBy);
            } finally {
                Thread.interrupted();
            }
        }
        // 2. 60 calls whose Future is cancelled with an interrupt at a random moment, mid-call or not.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 60; i++) {
                Work w = work.get(i % work.size());
                Future<?> f = pool.submit(() -> call(w, wrong, failed, completed, cancelled, servedBy));
                TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(8_000));
                f.cancel(true);
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS));
        }
        System.out.printf("interrupted/cancelled callers: %d completed right, %d ended with a cancellation, %d wrong, %d other failures;"
                + " served by %s%n", completed.get(), cancelled.get(), wrong.size(), failed.size(), servedBy);
        assertEquals(List.of(), wrong, "wrong answers");
        assertEquals(List.of(), failed, "calls that failed other than by a cancellation");
        assertTrue(completed.get() >= 40, "the calls made with the interrupt flag set completed: " + completed.get());
        assertNoneQuarantined();
    }

    @Test
    void anOutOfMemoryErrorFailsTheCallWithAClearErrorAndQuarantinesNothing() throws Exception {
        install("oom", 90, "oom-on-large");
        Await.until("oom active", () -> active().equals("oom"), this::state);
        Work large = work("large", 1, 8, 360, 360, 4, 3, 1, 1);
        assertTrue(large.in()[0].size() > FixtureConv2d.LARGE);
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> {
            try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
                large.run(lease.kernel());
            }
        });
        assertTrue(e.getMessage().contains("nothing is quarantined") && e.getMessage().contains("FixtureConv2d"), e.getMessage());
        assertNoneQuarantined();
        assertEquals("oom", active(), "the kernel keeps serving: out of memory is the JVM's condition");
        Work small = work("small", 1, 4, 9, 9, 4, 3, 1, 1);
        try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
            ConvData.assertMatches(small.expected(), small.run(lease.kernel()), small.k());
            assertEquals("oom", lease.servedBy().variant());
        }
    }

    @Test
    void aRefreshOfTheSharedSupportBundleUnderLoadFailsNoCall() throws Exception {
        installRealConvChain();
        List<Work> work = List.of(work("3x3", 1, 16, 14, 14, 16, 3, 1, 1), work("1x1", 1, 32, 14, 14, 16, 1, 0, 1),
                work("depthwise", 1, 16, 14, 14, 16, 3, 1, 16));
        Tensor x = Tensor.wrap(io.opsgi.tensor.Shape.of(4096), random(4096, 5));
        Tensor relu = Activations.apply(referenceRelu(), x, ActivationAttrs.of(Activation.RELU));
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicLong calls = new AtomicLong(), slowest = new AtomicLong();
        Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int offset = t;
            Thread caller = new Thread(() -> {
                for (int i = offset; running.get(); i++) {
                    long start = System.nanoTime();
                    try {
                        if (i % 4 == 3) {
                            Tensor y = registry.call("relu", ElementwiseKernel.class, k -> Activations.apply(k, x, ActivationAttrs.of(Activation.RELU)));
                            assertEquals(relu, y);
                        } else {
                            Work w = work.get(i % work.size());
                            try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
                                ConvData.assertMatches(w.expected(), w.run(lease.kernel()), w.k());
                                servedBy.computeIfAbsent(lease.servedBy().variant(), v -> new AtomicLong()).incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e.toString());
                    }
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    calls.incrementAndGet();
                }
            }, "refresh-caller-" + t);
            callers.add(caller);
            caller.start();
        }
        Bundle support = bundle("io.opsgi.kernel.support");
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        try {
            Thread.sleep(500);
            for (int round = 0; round < 2; round++) {
                if (round == 1) {
                    support.update(); // an update is a refresh with a new revision
                }
                CountDownLatch refreshed = new CountDownLatch(1);
                wiring.refreshBundles(List.of(support), e -> {
                    if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                        refreshed.countDown();
                    }
                });
                assertTrue(refreshed.await(60, TimeUnit.SECONDS), "the refresh finished");
                assertTrue(registry.awaitSettled(120_000), "the restarted kernels were verified again");
                Await.until("depthwise conv2d active again", () -> active().equals("depthwise"), this::state);
                Thread.sleep(500);
            }
        } finally {
            running.set(false);
            for (Thread caller : callers) {
                caller.join(60_000);
            }
        }
        System.out.printf("refresh of io.opsgi.kernel.support under load, twice: %d calls, %d failed, slowest %d ms (waiting for the re-verified"
                + " reference); conv2d served by %s%n", calls.get(), failures.size(), slowest.get() / 1_000_000, servedBy);
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " calls failed");
        assertTrue(calls.get() > 50, "the callers made calls: " + calls.get());
        assertNoneQuarantined();
    }

    @Test
    void aKernelThatHangsOnALiveCallIsAnsweredByTheNextKernelAndQuarantinedWithItsThreadNamed() throws Exception {
        install("stuck", 90, "hang-on-large");
        Await.until("stuck active (it passes verification: no vector is that large)", () -> active().equals("stuck"), this::state);
        Work large = work("large", 1, 8, 360, 360, 4, 3, 1, 1);
        assertTrue(large.in()[0].size() > FixtureConv2d.LARGE);
        List<String> servedBy = new CopyOnWriteArrayList<>();
        FutureTask<Tensor> call = new FutureTask<>(() -> {
            try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
                Tensor y = large.run(lease.kernel());
                servedBy.add(lease.servedBy().variant());
                return y;
            }
        });
        long start = System.nanoTime();
        new Thread(call, "live-caller-of-stuck").start();
        Tensor y = call.get(120, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        ConvData.assertMatches(large.expected(), y, large.k());
        assertEquals(List.of("direct"), servedBy, "answered by the next kernel");
        KernelDescriptor stuck = registry.kernel(CONV, "stuck").orElseThrow();
        assertEquals(KernelState.QUARANTINED, stuck.state());
        String report = stuck.report().text();
        // A call this large runs guarded: on a worker the caller waits for, so the report names the worker.
        assertTrue(report.contains("overran its deadline") && report.contains("opsgi-guarded-call-"), report);
        assertTrue(report.contains("ConvGeometry"), "the report names the geometry: " + report);
        System.out.printf("a live call stuck in a kernel was answered by the next kernel after %d ms; report: %s%n", millis, report);
        assertEquals(KernelState.VERIFIED, registry.kernel(CONV, "direct").orElseThrow().state());
    }

    @Test
    void aKernelSpinningWithoutLookingAtItsInterruptDoesNotHoldItsCaller() throws Exception {
        install("spinner", 90, "spin-on-large");
        Await.until("spinner active (it passes verification: no vector is that large)", () -> active().equals("spinner"), this::state);
        Work large = work("large", 1, 8, 360, 360, 4, 3, 1, 1);
        assertTrue(large.in()[0].size() > FixtureConv2d.LARGE);
        Thread caller = Thread.currentThread();
        long start = System.nanoTime();
        Tensor y;
        String served;
        try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
            y = large.run(lease.kernel()); // on this thread: it must come back although the kernel never does
            served = lease.servedBy().variant();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        ConvData.assertMatches(large.expected(), y, large.k());
        assertEquals("direct", served, "answered by the next kernel");
        assertTrue(!caller.isInterrupted(), "the caller's thread carries no stray interrupt");
        KernelDescriptor spinner = registry.kernel(CONV, "spinner").orElseThrow();
        assertEquals(KernelState.QUARANTINED, spinner.state());
        String report = spinner.report().text();
        assertTrue(report.contains("overran its deadline") && report.contains("opsgi-guarded-call-") && report.contains("spinIgnoringInterrupts"),
                "the report names the abandoned worker and where it spins: " + report);
        List<String> abandoned = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("opsgi-guarded-call-") && n.endsWith("-abandoned-in-spinner")).toList();
        assertEquals(1, abandoned.size(), "the worker left in the kernel is named: " + abandoned);
        // Later calls, large and small, go to the next kernel at once.
        try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
            ConvData.assertMatches(large.expected(), large.run(lease.kernel()), large.k());
            assertEquals("direct", lease.servedBy().variant());
        }
        System.out.printf("a caller of a kernel that spins ignoring interrupts got the next kernel's answer after %d ms; worker %s left; report: %s%n",
                millis, abandoned, report);
    }

    @Test
    void aKernelPastProbationIsGuardedOnACallLargerThanAnyItAnsweredAndHoldsNoCaller() throws Exception {
        Bundle b = context.installBundle(FixtureBundles.relu(jars, "hangs-large", 90, "hang-above-1m").toUri().toString());
        installed.add(b);
        b.start();
        Await.until("hangs-large serves relu (values admission: no vector is that large)",
                () -> registry.active("relu").map(KernelDescriptor::variant).orElse("none").equals("hangs-large"), this::state);
        ActivationAttrs relu = ActivationAttrs.of(Activation.RELU);
        ElementwiseKernel reference = referenceRelu();
        // Past probation on small calls, so only the size rule can guard the large one: a relu costs about as
        // much to compute as its output costs to copy, far above the 1% the guard may cost otherwise.
        Tensor small = Tensor.wrap(io.opsgi.tensor.Shape.of(4096), random(4096, 11));
        for (int i = 0; i < 300; i++) {
            try (var lease = registry.lease("relu", ElementwiseKernel.class)) {
                Activations.apply(lease.kernel(), small, relu);
                assertEquals("hangs-large", lease.servedBy().variant());
            }
        }
        Tensor large = Tensor.wrap(io.opsgi.tensor.Shape.of(FixtureRelu.HANG_ABOVE + 4096), random(FixtureRelu.HANG_ABOVE + 4096, 12));
        FutureTask<Map.Entry<String, Tensor>> call = new FutureTask<>(() -> {
            try (var lease = registry.lease("relu", ElementwiseKernel.class)) {
                Tensor y = Activations.apply(lease.kernel(), large, relu);
                return Map.entry(lease.servedBy().variant(), y);
            }
        });
        Thread caller = new Thread(call, "live-caller-of-hangs-large");
        caller.setDaemon(true); // if the guard failed, the kernel keeps this thread for good: the test fails, the run goes on
        caller.start();
        Map.Entry<String, Tensor> answer = call.get(120, TimeUnit.SECONDS);
        assertEquals("direct", answer.getKey(), "answered by the next kernel");
        assertArrayEquals(Activations.apply(reference, large, relu).toArray(), answer.getValue().toArray());
        KernelDescriptor hangs = registry.kernel("relu", "hangs-large").orElseThrow();
        assertEquals(KernelState.QUARANTINED, hangs.state());
        assertTrue(hangs.report().text().contains("overran its deadline") && hangs.report().text().contains("opsgi-guarded-call-"),
                "the large call ran guarded, on a worker the caller did not wait for: " + hangs.report().text());
        System.out.printf("a relu past probation that hangs above %d elements: its first larger call was guarded and answered by %s%n",
                FixtureRelu.HANG_ABOVE, answer.getKey());
    }

    @Test
    void aShadowCheckCatchesKernelsWrongOnlyOnLiveInputsAndLeavesARightOneServing() throws Exception {
        install("honest", 70, "none");
        install("mutator", 80, "mutate-on-marker");
        install("marked", 90, "wrong-on-marker");
        Await.until("marked active (it passes verification: no vector holds the marker)", () -> active().equals("marked"), this::state);
        Tensor[] in = ConvData.random(1, 4, 12, 12, 4, 3, 31);
        Conv2dAttrs attrs = ConvData.attrs(1, 1, 1, 1);
        long calls = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((state("marked") != KernelState.QUARANTINED || state("mutator") != KernelState.QUARANTINED) && System.nanoTime() < deadline) {
            float[] x = in[0].toArray();
            x[0] = FixtureConv2d.MARKER;
            registry.call(CONV, Conv2dKernel.class, k -> Conv2d.apply(k, Tensor.wrap(in[0].shape(), x), in[1], in[2], attrs));
            calls++;
        }
        assertEquals(KernelState.QUARANTINED, state("marked"), "the kernel wrong on marked inputs, after " + calls + " calls" + state());
        assertEquals(KernelState.QUARANTINED, state("mutator"), "the kernel that changed an input, after " + calls + " calls" + state());
        String wrongReport = registry.kernel(CONV, "marked").orElseThrow().report().text();
        assertTrue(wrongReport.contains("sampled live call differed") && wrongReport.contains("ConvGeometry[n=1, cIn=4, h=12, w=12"),
                "the report names the geometry: " + wrongReport);
        String mutatorReport = registry.kernel(CONV, "mutator").orElseThrow().report().text();
        assertTrue(mutatorReport.contains("changed an input"), mutatorReport);
        // The same marked inputs, as many calls again, on a kernel that is right: it keeps serving.
        for (long i = 0; i < Math.max(200, calls); i++) {
            float[] x = in[0].toArray();
            x[0] = FixtureConv2d.MARKER;
            registry.call(CONV, Conv2dKernel.class, k -> Conv2d.apply(k, Tensor.wrap(in[0].shape(), x), in[1], in[2], attrs));
        }
        assertEquals(KernelState.VERIFIED, state("honest"), state());
        assertEquals("honest", active());
        System.out.printf("shadow checks quarantined a kernel wrong only on live inputs and one that changed an input within %d calls;"
                + " %d more calls left the right kernel serving%n", calls, Math.max(200, calls));
    }

    @Test
    void concurrentPinsAllTakeEffectAndBadPinsAreRefusedWithTheValidNames() throws Exception {
        List<String> ops = List.of("conv2d", "relu", "max_pool2d", "avg_pool2d", "linear", "pad");
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> pinners = new ArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        for (String op : ops) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    registry.pin(op, "direct");
                } catch (Exception e) {
                    errors.add(op + ": " + e);
                }
            });
            pinners.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : pinners) {
            t.join(30_000);
        }
        try {
            assertEquals(List.of(), errors);
            for (String op : ops) {
                Await.until("the pin of " + op, () -> registry.kernel(op, "direct").map(KernelDescriptor::pinned).orElse(false), this::state);
            }
            Configuration[] stored = configAdmin.listConfigurations("(service.factoryPid=" + OperatorRegistry.PID + ".pin)");
            assertNotNull(stored);
            assertEquals(ops.size(), stored.length, "one stored record per pinned op");

            IllegalArgumentException unknownOp = assertThrows(IllegalArgumentException.class, () -> registry.pin("conv3d", "direct"));
            assertTrue(unknownOp.getMessage().contains("conv3d") && unknownOp.getMessage().contains("conv2d"), unknownOp.getMessage());
            IllegalArgumentException unknownVariant = assertThrows(IllegalArgumentException.class, () -> registry.pin("conv2d", "nosuchvariant"));
            assertTrue(unknownVariant.getMessage().contains("nosuchvariant") && unknownVariant.getMessage().contains("direct"),
                    unknownVariant.getMessage());
        } finally {
            for (String op : ops) {
                assertEquals(Optional.of("direct"), registry.clearPin(op), "the pin of " + op + " was there to remove");
            }
        }
        assertEquals(Optional.empty(), registry.clearPin("conv2d"), "nothing left to unpin");
        Await.until("no pins in force", () -> registry.kernels().stream().noneMatch(KernelDescriptor::pinned), this::state);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void call(Work w, List<String> wrong, List<String> failed, AtomicLong completed, AtomicLong cancelled,
            Map<String, AtomicLong> servedBy) {
        try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
            Tensor y = w.run(lease.kernel());
            try {
                ConvData.assertMatches(w.expected(), y, w.k());
                completed.incrementAndGet();
                servedBy.computeIfAbsent(lease.servedBy().variant(), v -> new AtomicLong()).incrementAndGet();
            } catch (AssertionError e) {
                wrong.add(w.name() + " served by " + lease.servedBy().variant() + ": " + e.getMessage());
            }
        } catch (CancellationException e) {
            cancelled.incrementAndGet();
        } catch (Throwable e) {
            failed.add(w.name() + ": " + e);
        }
    }

    /** The real fast conv2d kernels: the SGEMM library, then gemm, blocked and depthwise. */
    private void installRealConvChain() throws Exception {
        for (String jar : context.getProperty("opsgi.itest.gemm.jars").split(";")) {
            installed.add(context.installBundle(Path.of(jar).toUri().toString()));
        }
        for (Bundle b : installed) {
            b.start();
        }
        assertTrue(registry.awaitSettled(120_000));
        Await.until("depthwise conv2d active (it heads the chain and declines all but depthwise geometries)",
                () -> active().equals("depthwise"), this::state);
        for (String variant : List.of("gemm", "blocked", "depthwise")) {
            assertEquals(KernelState.VERIFIED, state(variant), variant + state());
        }
    }

    private void install(String variant, int ranking, String fault) throws Exception {
        Bundle b = context.installBundle(FixtureBundles.conv2d(jars, variant, ranking, fault, "1.0.0").toUri().toString());
        installed.add(b);
        b.start();
    }

    private Work work(String name, int n, int c, int h, int w, int k, int kernel, int padding, int groups) throws Exception {
        Tensor[] in = ConvData.random(n, c, h, w, k, kernel, name.hashCode(), groups);
        Conv2dAttrs attrs = ConvData.attrs(1, padding, 1, groups);
        var refs = context.getServiceReferences(Conv2dKernel.class, "(opsgi.variant=direct)");
        Conv2dKernel reference = context.getService(refs.iterator().next());
        try {
            return new Work(name, in, attrs, Conv2d.apply(reference, in[0], in[1], in[2], attrs), c / groups * kernel * kernel);
        } finally {
            context.ungetService(refs.iterator().next());
        }
    }

    private ElementwiseKernel referenceRelu() throws Exception {
        var refs = context.getServiceReferences(ElementwiseKernel.class, "(opsgi.variant=direct)");
        return context.getService(refs.iterator().next());
    }

    private static float[] random(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    private void assertNoneQuarantined() {
        List<KernelDescriptor> quarantined = registry.kernels().stream().filter(k -> k.state() == KernelState.QUARANTINED).toList();
        assertEquals(List.of(), quarantined, "no healthy kernel is quarantined" + state());
    }

    private KernelState state(String variant) {
        return registry.kernel(CONV, variant).map(KernelDescriptor::state).orElse(null);
    }

    private String active() {
        return registry.active(CONV).map(KernelDescriptor::variant).orElse("none");
    }

    private String state() {
        return System.lineSeparator() + KernelTable.format(registry.kernels());
    }
}
