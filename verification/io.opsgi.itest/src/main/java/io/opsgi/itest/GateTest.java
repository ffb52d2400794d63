package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.itest.fixtures.FixtureConv2d;
import io.opsgi.op.Conv2d;
import io.opsgi.op.Conv2dAttrs;
import io.opsgi.op.Conv2dKernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

/**
 * The verification gate in a real Felix, with real bundle jars: a correct faster kernel dropped into
 * a FileInstall folder goes pending, verified, active; a subtly wrong one, one that throws, and one
 * that hangs are quarantined and never serve; kernels that fail live calls are quarantined while the
 * callers get the reference's answers. State changes are followed through Event Admin.
 *
 * <p>Admission here is the run's setting (values and concurrency, {@code opsgi.admission=values}): every
 * fault below is found by the vectors, by live calls or by the time limit, none by the size and speed
 * checks, whose full admission of real and fixture jars (the vector relu included) is {@link AdmissionTest}'s.
 */
class GateTest extends WithRegistry {
    private static final String CONV = "conv2d";

    private final List<Bundle> installed = new ArrayList<>();
    private KernelEventLog events;
    private Path jars;

    @BeforeEach
    void listen() throws Exception {
        jars = Files.createTempDirectory("opsgi-gate");
        events = KernelEventLog.listen(context);
        assertTrue(registry.awaitSettled(Await.SETTLE_MILLIS), "the built-in kernels are verified at startup");
    }

    @AfterEach
    void cleanUp() throws Exception {
        events.close();
        for (Bundle b : installed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
        Await.until("the reference conv2d again", () -> active(CONV).equals("direct"), this::state);
    }

    @Test
    void aCorrectFasterKernelDroppedIntoDeployGoesPendingThenVerifiedThenActive() throws Exception {
        try (DeployFolder deploy = DeployFolder.watch(configAdmin, "gate")) {
            Path jar = deploy.dir.resolve("vector.jar");
            Files.copy(Path.of(context.getProperty("opsgi.itest.vector.jar")), jar, StandardCopyOption.REPLACE_EXISTING);
            Await.until("the vector relu active", () -> active("relu").equals("vector"), this::state);
            Await.until("its activation event", () -> events.contains("ACTIVATED vector relu"), this::state);
            List<String> seen = events.all().stream().filter(e -> e.contains(" vector ")).toList();
            int pending = seen.indexOf("PENDING vector relu,relu6,leaky_relu,hardtanh,hardswish,hardsigmoid,softsign");
            int verified = seen.indexOf("VERIFIED vector relu,relu6,leaky_relu,hardtanh,hardswish,hardsigmoid,softsign");
            int activated = seen.indexOf("ACTIVATED vector relu");
            assertTrue(pending >= 0 && pending < verified && verified < activated, "pending, then verified, then active: " + seen);
            KernelDescriptor d = registry.active("relu").orElseThrow();
            assertEquals(KernelState.VERIFIED, d.state());
            assertTrue(d.report().passed() && d.report().summary().contains("differential cases passed"), d.report().text());

            Files.delete(jar);
            Await.until("the reference relu after the jar left deploy/", () -> active("relu").equals("direct"), this::state);
        }
    }

    @Test
    void aSubtlyWrongKernelIsQuarantinedNeverActiveAndItsReportNamesTheFailingCase() throws Exception {
        install("replicate", 50, "replicate-border");
        KernelDescriptor d = awaitState("replicate", KernelState.QUARANTINED);
        String report = d.report().text();
        assertFalse(d.report().passed());
        // Padding reads the border instead of zero: padded cases fail, and each is named with its attributes.
        ReferenceVectors vectors = ReferenceVectors.load(Path.of(context.getProperty("opsgi.itest.vectors")));
        String firstFailure = d.report().details().get(0);
        String caseName = firstFailure.substring("vector case ".length(), firstFailure.indexOf(' ', "vector case ".length()));
        assertTrue(vectors.find(caseName).isPresent(), "the report names a real vector case: " + report);
        assertTrue(firstFailure.contains("padding"), "the failing case has padding: " + firstFailure);
        assertEquals("direct", active(CONV));
        assertFalse(events.contains("ACTIVATED replicate conv2d"), "never active: " + events);
    }

    /** Right in every plain call, wrong through its prepare step: the gate replays the prepare path on the vectors and quarantines it. */
    @Test
    void aKernelWhosePrepareStepPacksWeightsWronglyIsQuarantined() throws Exception {
        install("flipped", 50, "wrong-prepare");
        KernelDescriptor d = awaitState("flipped", KernelState.QUARANTINED);
        assertFalse(d.report().passed());
        assertTrue(d.report().details().stream().anyMatch(s -> s.startsWith("vector case ") && s.contains("through its prepare step: ")),
                d.report().text());
        assertEquals("direct", active(CONV));
        assertFalse(events.contains("ACTIVATED flipped conv2d"), "never active: " + events);
    }

    @Test
    void aKernelThatThrowsOnSomeInputsIsQuarantinedWhileCallersGetCorrectAnswers() throws Exception {
        Conv2dKernel reference = reference();
        Tensor[] strided = ConvData.random(1, 4, 9, 9, 6, 3, 7);
        Conv2dAttrs attrs = ConvData.attrs(2, 1, 1, 1);
        AtomicInteger calls = new AtomicInteger();
        Caller caller = new Caller(() -> {
            Tensor y = registry.call(CONV, Conv2dKernel.class, k -> Conv2d.apply(k, strided[0], strided[1], strided[2], attrs));
            ConvData.assertMatches(Conv2d.apply(reference, strided[0], strided[1], strided[2], attrs), y, 4 * 9);
            calls.incrementAndGet();
        });
        try {
            install("thrower", 50, "throw-on-stride2");
            KernelDescriptor d = awaitState("thrower", KernelState.QUARANTINED);
            assertTrue(d.report().details().stream().anyMatch(s -> s.contains("ArithmeticException")), d.report().text());
        } finally {
            caller.stop();
        }
        assertTrue(calls.get() > 0, "calls were made while the kernel was verified");
        assertEquals("direct", active(CONV));
    }

    @Test
    void kernelsThatFailALiveCallAreQuarantinedAndTheCallIsAnsweredByTheReference() throws Exception {
        Conv2dKernel reference = reference();
        Tensor[] large = ConvData.random(1, 8, 360, 360, 4, 3, 11); // 1,036,800 inputs: beyond every vector and the gate's large inputs
        assertTrue(large[0].shape().size() > FixtureConv2d.LARGE);
        Conv2dAttrs attrs = ConvData.attrs(1, 1, 1, 1);
        Tensor expected = Conv2d.apply(reference, large[0], large[1], large[2], attrs);
        for (String fault : List.of("nan-on-large", "throw-on-large")) {
            String variant = fault.replace("-on-large", "");
            install(variant, 50, fault);
            Await.until(variant + " verified and active", () -> active(CONV).equals(variant), this::state);

            String servedBy;
            Tensor y;
            try (var lease = registry.lease(CONV, Conv2dKernel.class)) {
                assertEquals(variant, lease.descriptor().variant());
                y = Conv2d.apply(lease.kernel(), large[0], large[1], large[2], attrs);
                servedBy = lease.servedBy().variant();
            }
            ConvData.assertMatches(expected, y, 8 * 9);
            assertEquals("direct", servedBy, "the reference answered the call");
            KernelDescriptor d = describe(variant).orElseThrow();
            assertEquals(KernelState.QUARANTINED, d.state(), state());
            assertTrue(d.report().summary().startsWith("failed a call: " + (fault.startsWith("nan") ? "wrote non-finite values" : "threw")),
                    d.report().text());
            assertTrue(d.report().details().get(0).contains("ConvGeometry[n=1, cIn=8, h=360, w=360"), "the report names the case: "
                    + d.report().text());
            assertEquals("direct", active(CONV), "new calls no longer reach it");
            Await.until("the quarantine event of " + variant, () -> events.contains("QUARANTINED " + variant + " conv2d"), this::state);
        }
    }

    @Test
    void aKernelThatHangsIsQuarantinedAtTheTimeLimitAndTheContainerStaysUp() throws Exception {
        Conv2dKernel reference = reference();
        Tensor[] small = ConvData.random(1, 3, 8, 8, 4, 3, 5);
        Conv2dAttrs attrs = ConvData.attrs(1, 1, 1, 1);
        AtomicInteger calls = new AtomicInteger();
        Caller caller = new Caller(() -> {
            Tensor y = registry.call(CONV, Conv2dKernel.class, k -> Conv2d.apply(k, small[0], small[1], small[2], attrs));
            ConvData.assertMatches(Conv2d.apply(reference, small[0], small[1], small[2], attrs), y, 3 * 9);
            calls.incrementAndGet();
        });
        try {
            install("hang", 50, "hang");
            KernelDescriptor d = awaitState("hang", KernelState.QUARANTINED);
            assertTrue(d.report().summary().contains("time limit"), d.report().text());
        } finally {
            caller.stop();
        }
        assertTrue(calls.get() > 0);
        assertEquals("direct", active(CONV));
        // The gate moved on: a kernel arriving after the hung one is verified as usual.
        install("after-hang", 40, "none");
        Await.until("the next kernel verified and active", () -> active(CONV).equals("after-hang"), this::state);
    }

    @Test
    void releaseIsTheOnlyWayOutOfQuarantineAndReverifyRunsAgain() throws Exception {
        install("released", 50, "throw-on-stride2");
        awaitState("released", KernelState.QUARANTINED);
        registry.reverify(CONV, "released");
        Thread.sleep(500);
        assertEquals(KernelState.QUARANTINED, describe("released").orElseThrow().state(), "re-verifying does not release");
        registry.release(CONV, "released");
        Await.until("the release event", () -> events.contains("RELEASED released conv2d"), this::state);
        awaitState("released", KernelState.QUARANTINED); // released, verified again, and it still throws
    }

    /**
     * A focus (what a one-shot {@code ./opsgi run} opens on its network's ops) has its ops' kernels verified first and
     * holds the others back until it closes: a conv queued before a relu stays pending while the focus on relu is
     * open, though the relu, queued after it, is verified and the focus settles. Without the hold the gate takes them
     * in arrival order, and the conv is verified first.
     */
    @Test
    void aFocusVerifiesItsOpsFirstAndHoldsTheOthersBackUntilItCloses() throws Exception {
        try (OperatorRegistry.Focus focus = registry.focus(Set.of("relu"))) {
            install("held", 40, "none");
            Bundle relu = context.installBundle(FixtureBundles.relu(jars, "focused", 40, "none").toUri().toString());
            installed.add(relu);
            relu.start();
            assertTrue(focus.awaitSettled(Await.SETTLE_MILLIS), "the focused op settles" + state());
            assertEquals(KernelState.VERIFIED, registry.kernel("relu", "focused").orElseThrow().state(), state());
            assertEquals(KernelState.PENDING, describe("held").orElseThrow().state(), "queued first, held back by the focus" + state());
            assertFalse(registry.awaitSettled(0), "the container as a whole has not settled");
        }
        awaitState("held", KernelState.VERIFIED);
    }

    /**
     * With {@code opsgi.verdicts} set, the gate remembers a pass: the same bundle installed again serves on it without
     * being verified. Another bundle of the same variant and class, differing only in its bytes (here its fault), is
     * verified afresh and quarantined; a failure is never remembered; a user's re-verify runs the checks again.
     */
    @Test
    void aPassIsRememberedForTheSameBytesOnlyAndNeverAFailure() throws Exception {
        Path folder = Files.createTempDirectory("opsgi-verdicts");
        Configuration cfg = configAdmin.getConfiguration(OperatorRegistry.PID, "?");
        cfg.update(new Hashtable<>(Map.of(OperatorRegistry.VERDICTS, folder.toString())));
        try {
            // Config Admin hands the setting over asynchronously: the reference relu is verified again (every half
            // second) until its pass shows up in the folder.
            AtomicInteger polls = new AtomicInteger();
            Await.until("the gate remembering passes in " + folder, () -> {
                if (polls.getAndIncrement() % 25 == 0) {
                    registry.reverify("relu", "direct");
                }
                return verdicts(folder) == 1;
            }, this::state);
            Bundle first = install("remembered", 40, "none");
            KernelDescriptor d = awaitState("remembered", KernelState.VERIFIED);
            assertFalse(d.report().summary().startsWith("remembered"), "verified by the checks: " + d.report().text());
            Await.until("its pass written", () -> verdicts(folder) == 2, this::state);

            first.uninstall();
            install("remembered", 40, "none"); // a new jar file with the same entries
            d = awaitState("remembered", KernelState.VERIFIED);
            assertTrue(d.report().summary().startsWith("remembered pass of "), "served on the remembered pass: " + d.report().text());
            assertTrue(d.report().summary().contains("differential cases passed"), d.report().text());

            installed.remove(installed.size() - 1).uninstall();
            install("remembered", 40, "replicate-border"); // same class and variant, other bytes: a wrong kernel
            d = awaitState("remembered", KernelState.QUARANTINED);
            assertFalse(d.report().passed(), d.report().text());
            assertEquals(2, verdicts(folder), "a failure is not remembered");

            installed.remove(installed.size() - 1).uninstall();
            install("remembered", 40, "none");
            awaitState("remembered", KernelState.VERIFIED);
            registry.reverify(CONV, "remembered");
            Await.until("a re-verification that ran the checks", () -> !describe("remembered").orElseThrow().report().summary().startsWith("remembered"),
                    this::state);
        } finally {
            cfg.delete();
        }
    }

    private static long verdicts(Path folder) {
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Bundle install(String variant, int ranking, String fault) throws Exception {
        Path jar = FixtureBundles.conv2d(jars, variant, ranking, fault, "1.0.0");
        Bundle b = context.installBundle(jar.toUri().toString());
        installed.add(b);
        b.start();
        return b;
    }

    private KernelDescriptor awaitState(String variant, KernelState state) {
        Await.until(variant + " " + state, () -> describe(variant).map(d -> d.state() == state).orElse(false), this::state);
        return describe(variant).orElseThrow();
    }

    private Optional<KernelDescriptor> describe(String variant) {
        return registry.kernel(CONV, variant);
    }

    private String active(String op) {
        return registry.active(op).map(KernelDescriptor::variant).orElse("none");
    }

    private Conv2dKernel reference() throws Exception {
        var refs = context.getServiceReferences(Conv2dKernel.class, "(opsgi.variant=direct)");
        return context.getService(refs.iterator().next());
    }

    private String state() {
        return System.lineSeparator() + KernelTable.format(registry.kernels()) + "events: " + events;
    }

    /** Calls {@code body} about once a millisecond on another thread until stopped; stop() rethrows the first failure. */
    static final class Caller {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final Thread thread;

        Caller(Runnable body) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        body.run();
                        // A caller, not a load generator: spinning would take a core from the verification it waits for.
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }
            }, "gate-test-caller");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError(failures.size() + " calls failed; the first: " + failures.get(0), failures.get(0));
                throw e;
            }
        }
    }
}
