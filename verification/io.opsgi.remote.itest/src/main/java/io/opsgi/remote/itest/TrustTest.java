package io.opsgi.remote.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.remote.itest.fixtures.RightRelu;
import io.opsgi.runtime.KernelState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

/**
 * The trust policy: a deploy/ kernel jar goes to the sandbox until the operator marks it trusted in
 * Config Admin ({@code io.opsgi.trust}, here by its jar's SHA-256); then it leaves the sandbox and runs
 * in the container, verified there like a shipped kernel.
 */
class TrustTest extends WithProcesses {
    @Test
    void aDeployedKernelRunsInTheSandboxUntilTheOperatorTrustsItsJarThenInTheContainer() throws Exception {
        assertTrue(registry.awaitSettled(180_000), "the relu reference is verified at startup");
        Path jar = FixtureJars.relu(Path.of(context.getProperty("felix.fileinstall.dir")), RightRelu.class, "insider", 400);
        Configuration trust = configAdmin.getConfiguration("io.opsgi.trust", "?");
        try {
            Await.until("the untrusted jar's kernel imported from the sandbox", Duration.ofSeconds(150),
                    () -> registry.kernel("relu", "insider@sandbox").isPresent(), () -> String.valueOf(registry.kernels().stream()
                            .filter(k -> k.op().equals("relu")).map(k -> k.variant() + " " + k.state()).toList()));
            assertEquals(Bundle.INSTALLED, bundle().map(Bundle::getState).orElse(-1), "untrusted: never resolved in the container");

            Dictionary<String, Object> props = new Hashtable<>();
            props.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar))));
            trust.update(props);
            Await.until("the trusted jar's kernel verified in the container", Duration.ofSeconds(120),
                    () -> registry.kernel("relu", "insider").map(k -> k.state() == KernelState.VERIFIED).orElse(false),
                    () -> String.valueOf(registry.kernels().stream().filter(k -> k.op().equals("relu")).map(k -> k.variant() + " " + k.state()).toList()));
            assertEquals(Bundle.ACTIVE, bundle().map(Bundle::getState).orElse(-1), "trusted: it runs in the container");
            Await.until("its sandbox copy gone", Duration.ofSeconds(60), () -> registry.kernel("relu", "insider@sandbox").isEmpty(), () -> "");
        } finally {
            Files.deleteIfExists(jar);
            Await.until("the jar's bundle uninstalled", Duration.ofSeconds(60), () -> bundle().isEmpty(), () -> "");
            trust.delete();
        }
        Await.until("the kernel gone with its jar", Duration.ofSeconds(60),
                () -> registry.kernels().stream().noneMatch(k -> k.variant().startsWith("insider")), () -> "");
    }

    private Optional<Bundle> bundle() {
        return Arrays.stream(context.getBundles()).filter(b -> "io.opsgi.remote.itest.fixture.insider".equals(b.getSymbolicName())).findFirst();
    }
}
