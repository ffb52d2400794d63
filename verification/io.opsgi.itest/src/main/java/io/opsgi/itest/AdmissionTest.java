package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.itest.fixtures.ExitingRelu;
import io.opsgi.itest.fixtures.FixtureRelu;
import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.op.GeometryClass;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.Configuration;

/**
 * What the gate checks before a kernel serves, in a real Felix with real bundle jars: each fixture
 * misbehaves in one way the vectors cannot see (slow, racy, hangs on large inputs, calls
 * System.exit on one size or on every call, mutates its input) and gets its verdict while a caller
 * keeps getting right answers from the kernels serving; a faster kernel is promoted whatever its
 * ranking.
 */
class AdmissionTest extends WithRegistry {
    private static final String RELU = "relu";
    private static final String CONV = "conv2d";

    private final List<Bundle> installed = new ArrayList<>();
    private KernelEventLog events;
    private AutoCloseable fullAdmission;
    private Path jars;

    @BeforeEach
    void listen() throws Exception {
        jars = Files.createTempDirectory("opsgi-admission");
        events = KernelEventLog.listen(context);
        // Settled first: the references verified at startup get the run's admission whichever test class comes first.
        assertTrue(registry.awaitSettled(Await.SETTLE_MILLIS), "the built-in kernels are verified at startup");
        fullAdmission = Admission.full(context, configAdmin);
        configure(Map.of(OperatorRegistry.SELECT, "speed"));
    }

    /**
     * Applies {@code settings} to the registry's configuration and waits until it has them: a probe
     * pin travels in the same update (Config Admin delivers asynchronously), then goes.
     */
    private void configure(Map<String, String> settings) throws Exception {
        Configuration cfg = configAdmin.getConfiguration(OperatorRegistry.PID, "?");
        Dictionary<String, Object> props = new Hashtable<>(settings);
        props.put(OperatorRegistry.PIN_PREFIX + RELU, "direct");
        cfg.update(props);
        Await.until("the configuration applied", () -> registry.active(RELU).map(KernelDescriptor::pinned).orElse(false), this::state);
        props.remove(OperatorRegistry.PIN_PREFIX + RELU);
        if (props.isEmpty()) {
            cfg.delete();
        } else {
            cfg.update(props);
        }
        Await.until("the probe pin gone", () -> !registry.active(RELU).map(KernelDescriptor::pinned).orElse(true), this::state);
    }

    @AfterEach
    void cleanUp() throws Exception {
        configure(Map.of()); // back to the framework's setting
        events.close();
        fullAdmission.close();
        for (Bundle b : installed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
        Await.until("the references again", () -> active(RELU).equals("direct") && active(CONV).equals("direct"), this::state);
    }

    @Test
    void aSlowReluRankedHighIsVerifiedButNeverServes() throws Exception {
        installed.add(start(context.installBundle(Path.of(context.getProperty("opsgi.itest.vector.jar")).toUri().toString())));
        awaitState(RELU, "vector", KernelState.VERIFIED);
        GateTest.Caller caller = reluCaller(4097);
        try {
            install(FixtureBundles.relu(jars, "slow", 500, "slow"));
            KernelDescriptor slow = awaitState(RELU, "slow", KernelState.VERIFIED);
            assertTrue(slow.report().passed(), slow.report().text());
            long slowNanos = measured(slow);
            long vectorNanos = measured(describe(RELU, "vector"));
            long directNanos = measured(describe(RELU, "direct"));
            // It sleeps 1 ms per 2,048 elements: at least 392 ms on the 64x112x112 workload (always timed), whatever the load.
            assertTrue(slowNanos >= 392_000_000L && slowNanos > vectorNanos && slowNanos > directNanos,
                    "slow " + slowNanos + " ns, vector " + vectorNanos + " ns, direct " + directNanos + " ns");
            String active = active(RELU);
            assertTrue(!active.equals("slow"), "a slower newcomer never displaces a faster kernel, whatever its ranking: " + state());
            // The one serving is the faster of the two measured in the same run (or within the noise margin of it), and the gate orders
            // them as JMH does: the vector relu (0.08 ms on relu_64x112 in benchmarks/results) before the direct one (0.38 ms).
            long activeNanos = active.equals("vector") ? vectorNanos : directNanos;
            assertTrue(activeNanos <= Math.min(vectorNanos, directNanos) * 1.25, state());
            assertEquals("vector", active, "vector " + vectorNanos + " ns, direct " + directNanos + " ns: " + state());
            assertTrue(KernelTable.format(registry.kernels()).lines().anyMatch(l -> l.startsWith("relu ") && l.contains(" slow ")
                    && l.contains(" ms ") && l.contains("verified")), "the list shows its measured time: " + state());
            assertTrue(events.contains("VERIFIED slow relu") && !events.contains("ACTIVATED slow relu"), events.toString());
        } finally {
            caller.stop();
        }
    }

    /** A relu kernel's measured time; a missing one fails naming the kernel, its report and the registry's state. */
    private long measured(KernelDescriptor relu) {
        return relu.measuredNanos(GeometryClass.ALL).orElseThrow(() -> new AssertionError(
                relu.variant() + " has no measured time: " + (relu.report() == null ? "no report yet" : relu.report().text()) + "\n" + state()));
    }

    @Test
    void aCorrectFasterConvIsPromotedOverTheReferenceWhateverItsRanking() throws Exception {
        install(FixtureBundles.conv2d(jars, "rows", -10, "none", "1.0.0"));
        Await.until("the faster conv active although it ranks below the reference", () -> active(CONV).equals("rows"), this::state);
        KernelDescriptor rows = describe(CONV, "rows");
        long fast = rows.measuredNanos(GeometryClass.GENERAL).orElseThrow();
        long reference = describe(CONV, "direct").measuredNanos(GeometryClass.GENERAL).orElseThrow();
        assertTrue(fast < reference, "rows " + fast + " ns, direct " + reference + " ns");
        // Every class in which rows was timed clearly faster (past the 1.25 tie margin) is served by it. (Which classes get timed depends on the
        // per-kernel timing budget, so on a loaded machine a class may be left to ranking: not asserted.)
        KernelDescriptor direct = describe(CONV, "direct");
        for (String cls : List.of(GeometryClass.GENERAL, GeometryClass.POINTWISE, GeometryClass.DEPTHWISE)) {
            var r = rows.measuredNanos(cls);
            var d = direct.measuredNanos(cls);
            if (r.isPresent() && d.isPresent() && r.getAsLong() * 3 < d.getAsLong() * 2) {
                assertTrue(rows.activeClasses().contains(cls), cls + ": rows measured faster but not serving; " + state());
            }
        }
    }

    @Test
    void aConvThatSharesOneScratchArrayIsQuarantinedAsWrongUnderConcurrency() throws Exception {
        GateTest.Caller caller = convCaller();
        try {
            install(FixtureBundles.conv2d(jars, "racy", 50, "racy", "1.0.0"));
            KernelDescriptor racy = awaitState(CONV, "racy", KernelState.QUARANTINED);
            assertTrue(racy.report().details().get(0).startsWith("wrong under concurrency: case conv2d_"), racy.report().text());
            assertTrue(racy.report().summary().contains("vector cases and"), "the vectors alone passed it: " + racy.report().text());
        } finally {
            caller.stop();
        }
        assertEquals("direct", active(CONV));
        assertTrue(!events.contains("ACTIVATED racy conv2d"), events.toString());
    }

    @Test
    void aReluThatHangsAboveAMillionElementsIsQuarantinedOnTheLargeInputAndNamed() throws Exception {
        GateTest.Caller caller = reluCaller(4097);
        try {
            install(FixtureBundles.relu(jars, "hangs", 500, "hang-above-1m"));
            KernelDescriptor hangs = awaitState(RELU, "hangs", KernelState.QUARANTINED);
            String failure = hangs.report().details().get(0);
            assertTrue(failure.startsWith("timeout: no answer within ") && failure.contains(" on large input relu_"), hangs.report().text());
            int elements = Integer.parseInt(failure.replaceAll(".*\\((\\d+) input elements.*", "$1"));
            assertTrue(elements > FixtureRelu.HANG_ABOVE, failure);
        } finally {
            caller.stop();
        }
        assertEquals("direct", active(RELU));
    }

    @Test
    void kernelsThatCallSystemExitAreRefusedBeforeAnyOfTheirCodeRunsAndTheContainerServesOn() throws Exception {
        GateTest.Caller caller = reluCaller(ExitingRelu.FATAL_SIZE);
        try {
            for (String fault : List.of("exit-on-size", "exit-always")) {
                Bundle b = context.installBundle(FixtureBundles.exitingRelu(jars, fault, 500, fault).toUri().toString());
                installed.add(b);
                BundleException refused = assertThrows(BundleException.class, b::start, "it must not resolve");
                assertEquals(Bundle.INSTALLED, b.getState(), refused.getMessage());
                KernelDescriptor d = registry.kernels().stream().filter(k -> k.variant().equals(fault)).findFirst()
                        .orElseThrow(() -> new AssertionError("no row for " + fault + state()));
                assertEquals(KernelState.QUARANTINED, d.state());
                assertEquals(RELU, d.op());
                assertEquals(-1, d.serviceId(), "it never registered a service");
                assertTrue(d.report().summary().startsWith("refused before any of its code ran: its code would end the container: "
                        + ExitingRelu.class.getName() + ".activate calls java.lang.System.exit"), d.report().text());
                Await.until("the refusal event of " + fault, () -> events.contains("QUARANTINED " + fault + " relu"), this::state);
                assertTrue(KernelTable.format(registry.kernels()).contains("refused before any of its code ran"), state());
            }
            // The size that would have ended the JVM is served by the reference.
            Tensor x = HotSwapTest.data(ExitingRelu.FATAL_SIZE);
            assertArrayEquals(reference(x), relu(x).toArray());
        } finally {
            caller.stop();
        }
        // Uninstalled, a refused bundle leaves the list.
        installed.forEach(b -> {
            try {
                b.uninstall();
            } catch (BundleException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(registry.kernels().stream().noneMatch(k -> k.serviceId() == -1), state());
    }

    @Test
    void aReluThatWritesItsInputIsQuarantinedAndTheCaseNamed() throws Exception {
        install(FixtureBundles.relu(jars, "mutates", 500, "mutate-input"));
        KernelDescriptor d = awaitState(RELU, "mutates", KernelState.QUARANTINED);
        assertTrue(d.report().details().get(0).matches("(?s)vector case relu_\\w+ .*the kernel wrote its input 'input'.*"), d.report().text());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void install(Path jar) throws Exception {
        installed.add(start(context.installBundle(jar.toUri().toString())));
    }

    private static Bundle start(Bundle b) throws BundleException {
        b.start();
        return b;
    }

    /** A caller that keeps calling relu on {@code n} elements and checks every answer bit for bit. */
    private GateTest.Caller reluCaller(int n) throws Exception {
        Tensor x = HotSwapTest.data(n);
        float[] expected = reference(x);
        AtomicInteger calls = new AtomicInteger();
        return new GateTest.Caller(() -> {
            assertArrayEquals(expected, relu(x).toArray(), "a relu call");
            calls.incrementAndGet();
        });
    }

    private GateTest.Caller convCaller() throws Exception {
        var refs = context.getServiceReferences(Conv2dKernel.class, "(opsgi.variant=direct)");
        Conv2dKernel reference = context.getService(refs.iterator().next());
        Tensor[] small = ConvData.random(1, 3, 12, 12, 4, 3, 5);
        Conv2dAttrs attrs = ConvData.attrs(1, 1, 1, 1);
        Tensor expected = Conv2d.apply(reference, small[0], small[1], small[2], attrs);
        return new GateTest.Caller(() -> ConvData.assertMatches(expected,
                registry.call(CONV, Conv2dKernel.class, k -> Conv2d.apply(k, small[0], small[1], small[2], attrs)), 3 * 9));
    }

    private Tensor relu(Tensor x) {
        return registry.call(RELU, ElementwiseKernel.class, k -> Activations.apply(k, x, ActivationAttrs.of(Activation.RELU)));
    }

    private float[] reference(Tensor x) throws Exception {
        var refs = context.getServiceReferences(ElementwiseKernel.class, "(opsgi.variant=direct)");
        ElementwiseKernel direct = context.getService(refs.iterator().next());
        return Activations.apply(direct, x, ActivationAttrs.of(Activation.RELU)).toArray();
    }

    private KernelDescriptor awaitState(String op, String variant, KernelState state) {
        Await.until(variant + " " + state, () -> registry.kernel(op, variant).map(d -> d.state() == state).orElse(false), this::state);
        return describe(op, variant);
    }

    private KernelDescriptor describe(String op, String variant) {
        return registry.kernel(op, variant).orElseThrow(() -> new AssertionError("no " + op + "/" + variant + state()));
    }

    private String active(String op) {
        return registry.active(op).map(KernelDescriptor::variant).orElse("none");
    }

    private String state() {
        return System.lineSeparator() + KernelTable.format(registry.kernels()) + "events: " + events;
    }

}
