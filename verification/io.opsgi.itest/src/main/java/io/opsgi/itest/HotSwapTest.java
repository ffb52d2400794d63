package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.Activation;
import io.opsgi.op.ActivationAttrs;
import io.opsgi.op.Activations;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelLease;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

/**
 * Hot swap in a real Felix: the vector relu bundle (ranking 100) is installed from its jar at run
 * time over the reference (ranking 0), removed again, pinned around, and uninstalled mid-call.
 * The same jar dropped into a FileInstall folder is {@link GateTest}'s first case.
 */
class HotSwapTest extends WithRegistry {
    static final String RELU = "relu";

    Bundle vector;

    @BeforeEach
    void referenceIsActive() {
        Await.until("the reference relu", () -> variant().equals("direct"), this::state);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (vector != null && vector.getState() != Bundle.UNINSTALLED) {
            vector.uninstall();
        }
        Configuration cfg = configAdmin.getConfiguration(OperatorRegistry.PID, "?");
        if (cfg.getProperties() != null) {
            cfg.delete();
        }
        Await.until("the reference relu again", () -> variant().equals("direct") && !registry.active(RELU).get().pinned(), this::state);
    }

    @Test
    void installingAHigherRankedBundleMakesItActiveAndUninstallingFallsBack() throws Exception {
        Tensor x = data(4097);
        Tensor expected = relu(x);

        vector = installVector();
        Await.until("the vector relu", () -> variant().equals("vector"), this::state);
        KernelDescriptor active = registry.active(RELU).orElseThrow();
        assertEquals(100, active.ranking());
        assertTrue(active.bundle().startsWith("io.opsgi.kernel.elementwise.vector"));
        assertEquals(expected, relu(x), "the vector kernel computes what the reference did");

        vector.uninstall();
        Await.until("the fallback to the reference", () -> variant().equals("direct"), this::state);
        assertEquals(expected, relu(x));
    }

    @Test
    void aPinSetThroughConfigAdminWinsOverRanking() throws Exception {
        vector = installVector();
        Await.until("the vector relu", () -> variant().equals("vector"), this::state);

        Configuration cfg = configAdmin.getConfiguration(OperatorRegistry.PID, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(OperatorRegistry.PIN_PREFIX + RELU, "direct");
        cfg.update(props);
        Await.until("the pinned reference", () -> variant().equals("direct"), this::state);
        assertTrue(registry.active(RELU).get().pinned());
        assertTrue(registry.active("relu6").map(d -> d.variant().equals("vector")).orElse(false), "a pin applies to its op only");

        registry.unpin(RELU);
        Await.until("the vector relu after unpin", () -> variant().equals("vector"), this::state);
    }

    @Test
    void aCallInFlightFinishesOnItsKernelWhileTheBundleIsUninstalled() throws Exception {
        vector = installVector();
        Await.until("the vector relu", () -> variant().equals("vector"), this::state);
        Tensor x = data(1 << 16);
        Tensor expected = relu(x);

        KernelLease<ElementwiseKernel> lease = registry.lease(RELU, ElementwiseKernel.class);
        assertEquals("vector", lease.descriptor().variant());
        CompletableFuture<Void> uninstall = CompletableFuture.runAsync(() -> {
            try {
                vector.uninstall();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // New calls go to the reference at once; the uninstall waits for the call in flight.
        Await.until("the reference for new calls", () -> variant().equals("direct"), this::state);
        assertFalse(uninstall.isDone(), "the uninstall must wait for the call in flight");
        Tensor y = Activations.apply(lease.kernel(), x, ActivationAttrs.of(Activation.RELU));
        assertEquals(expected, y, "the call in flight completes correctly on the kernel it started with");
        lease.close();
        uninstall.get(20, TimeUnit.SECONDS);
        assertEquals(Bundle.UNINSTALLED, vector.getState());
    }

    private Bundle installVector() throws Exception {
        Bundle b = context.installBundle(vectorJar().toUri().toString());
        b.start();
        return b;
    }

    private Path vectorJar() {
        return Path.of(context.getProperty("opsgi.itest.vector.jar"));
    }

    private String variant() {
        return registry.active(RELU).map(KernelDescriptor::variant).orElse("none");
    }

    private String state() {
        return System.lineSeparator() + KernelTable.format(registry.kernels());
    }

    private Tensor relu(Tensor x) {
        return registry.call(RELU, ElementwiseKernel.class, k -> Activations.apply(k, x, ActivationAttrs.of(Activation.RELU)));
    }

    /** Values around zero, with NaN and -0.0 that relu must keep. */
    static Tensor data(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (i % 7 - 3) * 0.5f;
        }
        d[1] = Float.NaN;
        d[2] = -0f;
        return Tensor.of(Shape.of(n), d);
    }

}
