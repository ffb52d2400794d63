package io.opsgi.remote.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.remote.itest.fixtures.RightRelu;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelState;
import io.opsgi.tensor.Tensor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A kernel host (the container jar as {@code host --port P}, a second JVM on loopback) is imported
 * through an Aries RSA config discovery record dropped into {@code deploy/}, its kernel verified by
 * this container's gate and used; then the host is killed, and calls fall back with no wrong or failed answer.
 */
class KernelHostTest extends WithProcesses {
    @Test
    void aKernelHostOnAnotherPortIsImportedVerifiedAndUsedThenKilledAndCallsFallBack() throws Exception {
        assertTrue(registry.awaitSettled(180_000), "the relu reference is verified at startup");
        int port = Processes.freePort();
        Path work = Files.createTempDirectory("opsgi-host");
        FixtureJars.relu(work.resolve("deploy"), RightRelu.class, "far", 800);
        Files.createDirectories(work.resolve("etc"));
        Files.writeString(work.resolve("etc").resolve("gosh_profile"), ""); // Gogo runs no shell here
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules=jdk.incubator.vector",
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dopsgi.host.port=" + port, "-Dopsgi.host.name=h2", "-Daries.rsa.hostname=127.0.0.1",
                "-Dopsgi.host.kernels=relu/far", "-Dopsgi.gate=off", "-Dopsgi.sandbox=off",
                "-Dfelix.fileinstall.dir=" + work.resolve("deploy"), "-Dorg.osgi.framework.storage=" + work.resolve("felix"),
                "-Dfelix.cm.dir=" + work.resolve("cm"), "-Dgosh.args=--nointeractive --noshutdown", "-Dgosh.home=" + work,
                "-Dorg.jline.terminal.dumb=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.aries.rsa.topologymanager.exporter.TopologyManagerExport=off",
                "-jar", new File(context.getProperty("opsgi.sandbox.jar")).getAbsolutePath(), "host", "--port", String.valueOf(port));
        Process host = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("host.log").toFile()).start();
        Path record = Files.createDirectories(Path.of(context.getProperty("felix.fileinstall.dir")))
                .resolve("org.apache.aries.rsa.discovery.config-h2.cfg");
        Tensor x = Callers.input(30_000, 7);
        Tensor expected = Activations.apply(reference(), x, ActivationAttrs.of(Activation.RELU));
        try {
            // What an operator writes for a host on another machine (README: Remote hosts).
            Files.writeString(record, """
                    endpoint.id = tcp://127.0.0.1:%d
                    objectClass = io.opsgi.remote.KernelHost
                    service.imported.configs = aries.tcp
                    opsgi.remote.name = h2
                    osgi.basic.timeout = 5000
                    """.formatted(port));
            try (Callers callers = new Callers(registry, x, expected, 2)) {
                Await.until("the host's relu imported, verified and serving", Duration.ofSeconds(150),
                        () -> registry.active("relu").map(k -> k.variant().equals("far@h2") && k.state() == KernelState.VERIFIED).orElse(false),
                        () -> state(work));
                KernelDescriptor far = registry.kernel("relu", "far@h2").orElseThrow();
                assertTrue(far.bundle().contains("io.opsgi.remote.itest.fixture.far") && far.bundle().contains("on h2"), far.bundle());
                int before = callers.calls.get();
                Await.until("calls served by the host", Duration.ofSeconds(30), () -> callers.calls.get() > before + 50, callers::summary);

                host.destroyForcibly();
                assertTrue(host.waitFor(10, TimeUnit.SECONDS), "the host ended");
                Await.until("the reference serving relu again after the host died", Duration.ofSeconds(30),
                        () -> registry.active("relu").map(k -> k.variant().equals("direct")).orElse(false), () -> state(work));
                int after = callers.calls.get();
                Await.until("calls served after the host died", Duration.ofSeconds(30), () -> callers.calls.get() > after + 50, callers::summary);
                callers.close();
                assertEquals(0, callers.wrong.get(), callers.summary());
                assertEquals(0, callers.failed.get(), callers.summary());
            }
        } finally {
            host.destroyForcibly();
            host.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(record);
        }
        Await.until("the host's kernels gone with its record", Duration.ofSeconds(60),
                () -> registry.kernels().stream().noneMatch(k -> k.variant().endsWith("@h2") && k.state() != KernelState.QUARANTINED),
                () -> state(work));
    }

    private ElementwiseKernel reference() throws Exception {
        var refs = context.getServiceReferences(ElementwiseKernel.class, "(opsgi.variant=direct)");
        return context.getService(refs.iterator().next());
    }

    private String state(Path work) {
        Set<String> rows = new TreeSet<>();
        for (KernelDescriptor k : registry.kernels()) {
            if (k.op().equals("relu")) {
                rows.add(k.variant() + " " + k.state() + (k.active() ? " active" : "") + (k.report() == null ? "" : " [" + k.report().summary() + "]"));
            }
        }
        String log;
        try {
            log = Files.readString(work.resolve("host.log")).lines().filter(l -> !l.isBlank()).limit(20).collect(Collectors.joining(" | "));
        } catch (Exception e) {
            log = e.toString();
        }
        return String.join("; ", rows) + "; host log: " + log;
    }
}
