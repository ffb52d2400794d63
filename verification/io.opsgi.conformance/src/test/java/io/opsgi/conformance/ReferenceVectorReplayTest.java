package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every reference case, against every kernel found on the test classpath that serves its op: one
 * container per kernel and op, one test per case. A kernel module added to this module's test
 * dependencies is covered with no edit here; a kernel that declares it does not support a case's
 * geometry skips that case. The conformance table is printed at the end.
 */
class ReferenceVectorReplayTest {
    private static final ConformanceReport REPORT = new ConformanceReport();

    static ReferenceVectors vectors() throws VectorFormatException {
        String dir = System.getProperty("opsgi.vectors");
        assertTrue(dir != null, "system property opsgi.vectors (the reference-vectors directory) is not set; surefire sets it");
        return ReferenceVectors.load(Path.of(dir));
    }

    @TestFactory
    Stream<DynamicNode> everyCaseOnEveryKernel() throws VectorFormatException {
        ReferenceVectors vectors = vectors();
        List<DiscoveredKernel> kernels = ClasspathKernels.discover(getClass().getClassLoader());
        assertFalse(kernels.isEmpty(), "no kernel found on the test classpath");
        Replay replay = new Replay();
        List<DynamicNode> containers = new ArrayList<>();
        for (String op : vectors.ops()) {
            List<DiscoveredKernel> serving = ClasspathKernels.serving(kernels, op);
            if (serving.isEmpty()) {
                // Not a silent pass: an op with vectors but no kernel is a failing test of its own.
                REPORT.addUncovered(op, vectors.cases(op).size());
                containers.add(dynamicTest(op + " has a kernel", () -> fail("no kernel on the test classpath serves " + op + "; its "
                        + vectors.cases(op).size() + " cases were not run")));
            }
            for (DiscoveredKernel k : serving) {
                Stream<DynamicNode> tests = vectors.cases(op).stream().map(c -> dynamicTest(c.name(), () -> {
                    CaseResult r = replay.run(c, k);
                    REPORT.add(r);
                    // A specialised kernel is not asked for geometries it does not support: reported as skipped, not passed.
                    assumeTrue(r.status() != CaseResult.Status.SKIPPED, r::reason);
                    assertTrue(r.passed(), r::describe);
                }));
                containers.add(dynamicContainer(k.label(op) + " (" + k.origin() + ")", tests));
            }
        }
        return containers.stream();
    }

    @AfterAll
    static void printConformanceTable() {
        System.out.println("\nReference-vector conformance (PyTorch 1.13 vectors):\n" + REPORT.toTable());
    }
}
