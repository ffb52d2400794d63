package io.opsgi.remote.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.remote.itest.fixtures.ExitingRelu;
import io.opsgi.remote.itest.fixtures.HangingRelu;
import io.opsgi.remote.itest.fixtures.RightRelu;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import io.opsgi.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/**
 * Untrusted kernel jars dropped into {@code deploy/} never run in the container: a correct one is
 * verified through the sandbox process and serves; one that ends its JVM (by a route the exit guard
 * cannot see) and one that hangs ignoring interrupts take the sandbox down, which is restarted, and stay
 * quarantined after their second time, while callers get correct answers throughout.
 */
class SandboxTest extends WithProcesses {
    private static final String SANDBOX = "opsgi.host.name=sandbox";

    @Test
    void untrustedKernelsServeFromTheSandboxAndTheOnesThatExitOrHangStayQuarantinedWhileCallersGetRightAnswers() throws Exception {
        assertTrue(registry.awaitSettled(180_000), "the relu reference is verified at startup");
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Tensor x = Callers.input(20_000, 15);
        Tensor expected = Activations.apply(reference(), x, ActivationAttrs.of(Activation.RELU));
        Set<Long> sandboxes = new ConcurrentSkipListSet<>();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                sandboxes.addAll(Processes.running(SANDBOX));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sandbox-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Path right = null, exiting = null, hanging = null;
        try (Callers callers = new Callers(registry, x, expected, 2)) {
            right = FixtureJars.relu(deploy, RightRelu.class, "outsider", 500);
            Await.until("the untrusted correct relu verified through the sandbox and serving", Duration.ofSeconds(150),
                    () -> serving("outsider@sandbox"), this::state);
            assertEquals(Bundle.INSTALLED, bundle("outsider").getState(), "an untrusted kernel bundle never resolves in the container");
            assertEquals(1, sandboxes.size(), "one sandbox process: " + sandboxes);
            int before = callers.calls.get();
            Await.until("calls served while outsider@sandbox is active", Duration.ofSeconds(30), () -> callers.calls.get() > before + 50,
                    callers::summary);

            exiting = FixtureJars.relu(deploy, ExitingRelu.class, "exiter", 600);
            hanging = FixtureJars.relu(deploy, HangingRelu.class, "hanger", 700);
            Await.until("the exiting relu quarantined for good", Duration.ofSeconds(300),
                    () -> quarantinedFor("exiter@sandbox", "ended the sandbox 2 times (last: called System.exit)"), this::state);
            Await.until("the hanging relu quarantined for good", Duration.ofSeconds(300),
                    () -> quarantinedFor("hanger@sandbox", "ended the sandbox 2 times (last: did not answer in time)"), this::state);
            Await.until("the correct untrusted relu verified again and serving after the restarts", Duration.ofSeconds(150),
                    () -> serving("outsider@sandbox"), this::state);
            assertTrue(sandboxes.size() >= 3, "the sandbox was restarted after each of its ends: processes " + sandboxes);
            assertEquals(1, Processes.running(SANDBOX).size(), "one sandbox runs now");
            int after = callers.calls.get();
            Await.until("calls served after the restarts", Duration.ofSeconds(30), () -> callers.calls.get() > after + 50, callers::summary);
            callers.close();
            assertEquals(0, callers.wrong.get(), callers.summary());
            assertEquals(0, callers.failed.get(), callers.summary());
            for (String v : new String[] {"outsider", "exiter", "hanger"}) {
                assertEquals(Bundle.INSTALLED, bundle(v).getState(), v + " never resolved in the container");
            }
        } finally {
            watcher.interrupt();
            for (Path p : Arrays.asList(right, exiting, hanging)) {
                if (p != null) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Await.until("the untrusted kernels gone with their jars", Duration.ofSeconds(60),
                () -> registry.kernels().stream().noneMatch(k -> k.variant().endsWith("@sandbox")), this::state);
    }

    private boolean serving(String variant) {
        return registry.active("relu").map(k -> k.variant().equals(variant) && k.state() == KernelState.VERIFIED).orElse(false);
    }

    private boolean quarantinedFor(String variant, String reason) {
        return registry.kernel("relu", variant).map(k -> k.state() == KernelState.QUARANTINED && k.report() != null
                && k.report().text().contains(reason)).orElse(false);
    }

    private Bundle bundle(String variant) {
        String bsn = "io.opsgi.remote.itest.fixture." + variant;
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    private ElementwiseKernel reference() throws Exception {
        var refs = context.getServiceReferences(ElementwiseKernel.class, "(opsgi.variant=direct)");
        return context.getService(refs.iterator().next());
    }

    private String state() {
        Set<String> rows = new TreeSet<>();
        for (KernelDescriptor k : registry.kernels()) {
            if (k.op().equals("relu")) {
                rows.add(k.variant() + " " + k.state() + (k.active() ? " active" : "") + (k.report() == null ? "" : " [" + k.report().summary() + "]"));
            }
        }
        return rows.stream().collect(Collectors.joining("; ")) + "; sandbox processes " + Processes.running(SANDBOX);
    }
}
