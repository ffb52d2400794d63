package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Tensor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

/**
 * Swap under load: caller threads run conv2d continuously through the registry while kernel bundles
 * are installed, verified, pinned, updated, stopped, started and uninstalled under them. Every
 * output is checked against the reference kernel; not one call may fail or be wrong.
 */
class SwapUnderLoadTest extends WithRegistry {
    private static final String CONV = "conv2d";
    private static final int CALLERS = 3;

    /** One conv2d configuration with its inputs and the reference kernel's output. */
    private record Work(String name, Tensor[] in, Conv2dAttrs attrs, Tensor expected, int k) {
    }

    @Test
    void callsNeverFailNorReturnWrongResultsWhileKernelsAreSwapped() throws Exception {
        assertTrue(registry.awaitSettled(Await.SETTLE_MILLIS));
        // Rounds, not seconds: each round does every operation once (9, each bundle verified again after it changes), and
        // two rounds repeat the whole cycle whatever the load (a fixed 20 s did as many rounds as the load allowed).
        int rounds = Integer.parseInt(System.getProperty("opsgi.itest.load.rounds", "2"));
        List<Work> work = work();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < CALLERS; t++) {
            int offset = t;
            Thread caller = new Thread(() -> {
                for (int i = offset; running.get(); i++) {
                    Work w = work.get(i % work.size());
                    try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
                        Tensor y = Conv2d.apply(lease.kernel(), w.in()[0], w.in()[1], w.in()[2], w.attrs());
                        ConvData.assertMatches(w.expected(), y, w.k());
                        servedBy.computeIfAbsent(lease.servedBy().variant(), v -> new AtomicLong()).incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(w.name() + ": " + e);
                    }
                    calls.incrementAndGet();
                }
            }, "load-caller-" + t);
            callers.add(caller);
            caller.start();
        }

        Path dir = Files.createTempDirectory("opsgi-load");
        Path a = FixtureBundles.conv2d(dir, "load-a", 50, "none", "1.0.0");
        Path b = FixtureBundles.conv2d(dir, "load-b", 60, "none", "1.0.0");
        Path bRanked70 = FixtureBundles.conv2d(dir, "load-b", 70, "none", "1.0.1");
        SplittableRandom random = new SplittableRandom(7);
        long start = System.nanoTime();
        int swaps = 0;
        List<String> variantsSeen = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                Bundle bundleA = context.installBundle(a.toUri().toString());
                bundleA.start();
                Bundle bundleB = context.installBundle(b.toUri().toString());
                bundleB.start();
                pause(random);
                Await.until("load-b verified", () -> active().equals("load-b"), this::state);
                variantsSeen.add(active());
                pin("load-a");
                Await.until("the pin on load-a", () -> active().equals("load-a"), this::state);
                variantsSeen.add(active());
                try (InputStream in = Files.newInputStream(bRanked70)) {
                    bundleB.update(in); // the running calls on the old revision finish; the new one is verified again
                }
                pause(random);
                unpin();
                pause(random);
                bundleA.stop();
                pause(random);
                bundleA.start();
                pause(random);
                bundleA.uninstall();
                pause(random);
                bundleB.stop();
                bundleB.uninstall();
                swaps += 9;
            }
        } finally {
            running.set(false);
            for (Thread caller : callers) {
                caller.join(60_000);
            }
            Configuration cfg = configAdmin.getConfiguration(OperatorRegistry.PID, "?");
            if (cfg.getProperties() != null) {
                cfg.delete();
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.printf("swap under load: %d conv2d calls on %d threads in %d s across %d bundle operations in %d rounds "
                + "(install/start/pin/update/unpin/stop/uninstall); served by %s; %d failed%n", calls.get(), CALLERS, seconds, swaps, rounds,
                servedBy, failures.size());
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " calls failed or were wrong");
        assertTrue(calls.get() > 100, "the callers made calls: " + calls.get());
        assertTrue(variantsSeen.contains("load-a") && variantsSeen.contains("load-b"), "the kernels really swapped: " + variantsSeen);
        Await.until("the reference conv2d again", () -> active().equals("direct"), this::state);
    }

    private List<Work> work() throws Exception {
        var refs = context.getServiceReferences(Conv2dKernel.class, "(opsgi.variant=direct)");
        Conv2dKernel reference = context.getService(refs.iterator().next());
        List<Work> work = new ArrayList<>();
        Object[][] configs = {
            // name, n, c, h, w, k, kernel, stride, padding, dilation, groups
            {"3x3 pad 1", 1, 8, 12, 12, 8, 3, 1, 1, 1, 1},
            {"3x3 stride 2", 2, 4, 11, 9, 6, 3, 2, 1, 1, 1},
            {"depthwise", 1, 6, 10, 10, 6, 3, 1, 1, 1, 6},
            {"dilated 5x5", 1, 3, 16, 16, 4, 5, 1, 2, 2, 1},
            {"1x1", 1, 16, 8, 8, 8, 1, 1, 0, 1, 1},
        };
        for (Object[] c : configs) {
            int groups = (int) c[10];
            Tensor[] in = ConvData.random((int) c[1], (int) c[2], (int) c[3], (int) c[4], (int) c[5], (int) c[6], work.size(), groups);
            Conv2dAttrs attrs = ConvData.attrs((int) c[7], (int) c[8], (int) c[9], groups);
            Tensor expected = Conv2d.apply(reference, in[0], in[1], in[2], attrs);
            work.add(new Work((String) c[0], in, attrs, expected, (int) c[2] / groups * (int) c[6] * (int) c[6]));
        }
        return work;
    }

    private void pin(String variant) throws Exception {
        Configuration cfg = configAdmin.getConfiguration(OperatorRegistry.PID, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(OperatorRegistry.PIN_PREFIX + CONV, variant);
        cfg.update(props);
    }

    private void unpin() throws Exception {
        registry.unpin(CONV);
    }

    private static void pause(SplittableRandom random) throws InterruptedException {
        Thread.sleep(20 + random.nextInt(150));
    }

    private String active() {
        return registry.active(CONV).map(KernelDescriptor::variant).orElse("none");
    }

    private String state() {
        return System.lineSeparator() + KernelTable.format(registry.kernels());
    }
}
