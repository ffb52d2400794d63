package io.opsgi.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.conformance.ConformanceReport;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.Replay;
import io.opsgi.conformance.ServiceKernels;
import io.opsgi.op.Operators;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

/** The reference vectors replayed inside Felix against every registered kernel service, and a jar installed at run time. */
@ExtendWith(BundleContextExtension.class)
class ConformanceInFrameworkTest {
    @InjectBundleContext
    BundleContext context;

    @AfterEach
    void release() {
        ServiceKernels.release(context);
    }

    @Test
    void everyRegisteredKernelPassesEveryCase() throws Exception {
        ReferenceVectors vectors = ReferenceVectors.load(Path.of(context.getProperty("opsgi.itest.vectors")));
        List<DiscoveredKernel> kernels = ServiceKernels.discover(context, ref -> true);
        Set<String> served = kernels.stream().flatMap(k -> k.ops().stream()).collect(Collectors.toSet());
        assertEquals(Operators.all().stream().map(o -> o.name()).collect(Collectors.toSet()), served, "every op has a kernel in the framework");

        ConformanceReport report = new Replay().run(vectors, kernels);
        System.out.print(report.toTable());
        assertTrue(report.allPassed(), () -> report.failures().toString());
        assertEquals(vectors.cases().size(), report.rows().stream().filter(r -> r.variant().equals("direct")).mapToInt(r -> r.passed()).sum());
    }

    @Test
    void aKernelJarInstalledAtRunTimeIsVerifiedToo() throws Exception {
        ReferenceVectors vectors = ReferenceVectors.load(Path.of(context.getProperty("opsgi.itest.vectors")));
        Bundle vector = context.installBundle(Path.of(context.getProperty("opsgi.itest.vector.jar")).toUri().toString());
        try {
            vector.start();
            long id = vector.getBundleId();
            List<DiscoveredKernel> kernels = ServiceKernels.discover(context, ref -> ref.getBundle().getBundleId() == id);
            assertEquals(1, kernels.size());
            ConformanceReport report = new ConformanceReport();
            Replay replay = new Replay();
            for (String op : kernels.get(0).ops()) {
                vectors.cases(op).forEach(c -> report.add(replay.run(c, kernels.get(0))));
            }
            assertTrue(report.allPassed(), () -> report.failures().toString());
            assertTrue(report.rows().stream().allMatch(r -> r.variant().equals("vector") && r.passed() > 0), report::toTable);
        } finally {
            ServiceKernels.release(context);
            vector.uninstall();
        }
    }
}
