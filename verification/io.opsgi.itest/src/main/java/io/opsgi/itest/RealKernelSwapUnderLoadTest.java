package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Swap under load with the real kernel bundles and the live checks on (deadlines, sampled shadow
 * checks): callers run conv2d on geometries each specialised kernel takes (depthwise, 1x1, 3x3) and
 * relu, while the fast conv2d bundles (SGEMM library, gemm, blocked, depthwise) are installed,
 * stopped, started and uninstalled, and the vector relu comes and goes through a deploy folder.
 * Not one call may fail or be wrong, and no kernel may be quarantined.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class RealKernelSwapUnderLoadTest {
    @InjectBundleContext
    BundleContext context;
    @InjectService
    OperatorRegistry registry;
    @InjectService
    ConfigurationAdmin configAdmin;

    private record Work(String name, Tensor[] in, Conv2dAttrs attrs, Tensor expected, int k) {
    }

    @Test
    void realKernelsAndTheDeployFolderSwapUnderLoadWithNoFailedOrWrongCall() throws Exception {
        assertTrue(registry.awaitSettled(Await.SETTLE_MILLIS));
        List<Work> work = List.of(work("3x3", 1, 16, 14, 14, 16, 3, 1, 1), work("1x1", 1, 32, 14, 14, 16, 1, 0, 1),
                work("depthwise", 1, 16, 14, 14, 16, 3, 1, 16));
        Tensor x = Tensor.wrap(Shape.of(2, 8, 16, 16), random(4096));
        Tensor relu = Activations.apply(reference(ElementwiseKernel.class), x, ActivationAttrs.of(Activation.RELU));
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicLong calls = new AtomicLong();
        Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int offset = t;
            Thread caller = new Thread(() -> {
                for (int i = offset; running.get(); i++) {
                    try {
                        if (i % 4 == 3) {
                            try (var lease = registry.lease("relu", ElementwiseKernel.class)) {
                                assertEquals(relu, Activations.apply(lease.kernel(), x, ActivationAttrs.of(Activation.RELU)));
                                servedBy.computeIfAbsent("relu/" + lease.servedBy().variant(), v -> new AtomicLong()).incrementAndGet();
                            }
                        } else {
                            Work w = work.get(i % work.size());
                            try (var lease = registry.lease("conv2d", Conv2dKernel.class)) {
                                ConvData.assertMatches(w.expected(), Conv2d.apply(lease.kernel(), w.in()[0], w.in()[1], w.in()[2], w.attrs()), w.k());
                                servedBy.computeIfAbsent("conv2d/" + lease.servedBy().variant(), v -> new AtomicLong()).incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e.toString());
                    }
                    calls.incrementAndGet();
                }
            }, "real-swap-caller-" + t);
            callers.add(caller);
            caller.start();
        }

        Path deploy = Files.createTempDirectory("opsgi-real-swap-deploy");
        Configuration watcher = configAdmin.getFactoryConfiguration("org.apache.felix.fileinstall", "real-swap", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", deploy.toString());
        props.put("felix.fileinstall.poll", "100");
        props.put("felix.fileinstall.noInitialDelay", "true");
        watcher.update(props);
        SplittableRandom random = new SplittableRandom(11);
        List<Bundle> real = new ArrayList<>();
        int operations = 0;
        try {
            for (int round = 0; round < 2; round++) {
                for (String jar : context.getProperty("opsgi.itest.gemm.jars").split(";")) {
                    real.add(context.installBundle(Path.of(jar).toUri().toString()));
                }
                for (Bundle b : real) {
                    b.start();
                }
                Path vector = deploy.resolve("vector.jar");
                Files.copy(Path.of(context.getProperty("opsgi.itest.vector.jar")), vector, StandardCopyOption.REPLACE_EXISTING);
                Await.until("depthwise conv2d and vector relu active", () -> active("conv2d").equals("depthwise")
                        && active("relu").equals("vector"), this::state);
                Thread.sleep(200 + random.nextInt(300));
                Bundle blocked = real.stream().filter(b -> b.getSymbolicName().endsWith("conv2d.blocked")).findFirst().orElseThrow();
                blocked.stop();
                Thread.sleep(100 + random.nextInt(200));
                blocked.start();
                Await.until("blocked verified again", () -> registry.kernel("conv2d", "blocked").map(k -> k.state() == KernelState.VERIFIED)
                        .orElse(false), this::state);
                Files.delete(vector);
                for (int i = real.size() - 1; i >= 0; i--) {
                    real.get(i).uninstall();
                    Thread.sleep(random.nextInt(150));
                }
                real.clear();
                Await.until("the reference kernels again", () -> active("conv2d").equals("direct") && active("relu").equals("direct"),
                        this::state);
                operations += 14;
            }
        } finally {
            running.set(false);
            for (Thread caller : callers) {
                caller.join(60_000);
            }
            for (Bundle b : real) {
                b.uninstall();
            }
            watcher.delete();
        }
        System.out.printf("real kernels swapped under load: %d calls on 3 threads across %d bundle and deploy-folder operations; served by %s;"
                + " %d failed%n", calls.get(), operations, servedBy, failures.size());
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " calls failed or were wrong");
        assertTrue(servedBy.keySet().containsAll(List.of("conv2d/depthwise", "conv2d/blocked", "conv2d/gemm", "conv2d/direct", "relu/vector",
                "relu/direct")), "every kernel served calls: " + servedBy);
        assertEquals(List.of(), registry.kernels().stream().filter(k -> k.state() == KernelState.QUARANTINED).toList(), state());
    }

    private Work work(String name, int n, int c, int h, int w, int k, int kernel, int padding, int groups) throws Exception {
        Tensor[] in = ConvData.random(n, c, h, w, k, kernel, name.hashCode(), groups);
        Conv2dAttrs attrs = ConvData.attrs(1, padding, 1, groups);
        Tensor expected = Conv2d.apply(reference(Conv2dKernel.class), in[0], in[1], in[2], attrs);
        return new Work(name, in, attrs, expected, c / groups * kernel * kernel);
    }

    private <K> K reference(Class<K> type) throws Exception {
        return context.getService(context.getServiceReferences(type, "(opsgi.variant=direct)").iterator().next());
    }

    private static float[] random(int n) {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private String active(String op) {
        return registry.active(op).map(KernelDescriptor::variant).orElse("none");
    }

    private String state() {
        return System.lineSeparator() + KernelTable.format(registry.kernels());
    }
}
