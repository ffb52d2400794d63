package io.opsgi.conformance.gate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.WrongBlockedConv2d;
import io.opsgi.conformance.WrongBlockedConv2d.Bug;
import io.opsgi.conformance.WrongBlockedMaxPool2d;
import io.opsgi.kernel.conv2d.blocked.BlockedConv2d;
import io.opsgi.kernel.conv2d.direct.DirectConv2d;
import io.opsgi.kernel.maxpool2d.direct.DirectMaxPool2d;
import io.opsgi.kernel.pool2d.vector.VectorMaxPool2d;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.KernelVerifier.Request;
import io.opsgi.runtime.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's judge ({@link GateVerifier}, values only, outside a framework) fails a kernel wrong only on its blocked
 * entry points, as it fails one wrong only through its prepare step, so such a kernel never serves: each bug of
 * {@link WrongBlockedConv2d} is named in the report (the control passing the replay and the differential check:
 * {@code BlockedPathTest}; the real kernels passing the whole gate: the in-framework tests). Its concurrency check runs one prepared
 * conv from every thread through the blocked entry points: a blocked run that keeps its output in the prepared conv is
 * caught there (right alone, so the vectors pass it).
 */
class BlockedGateTest {
    private static ReferenceVectors everyThirdConv;

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        everyThirdConv = ReferenceVectors.load(everyThirdConv2dCase(Path.of(System.getProperty("opsgi.vectors")), dir));
    }

    /** The gate's vectors cut to every third conv2d case (the gate runs every case of a failing kernel: this keeps the test short). */
    private static Path everyThirdConv2dCase(Path all, Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(all.resolve("manifest.json").toFile());
        manifest.putArray("ops").add("conv2d");
        json.writeValue(dir.resolve("manifest.json").toFile(), manifest);
        Path conv = Files.createDirectories(dir.resolve("conv2d"));
        try (Stream<Path> files = Files.list(all.resolve("conv2d"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, conv.resolve(f.getFileName()));
            }
        }
        ObjectNode cases = (ObjectNode) json.readTree(all.resolve("conv2d/cases.json").toFile());
        ArrayNode kept = json.createArrayNode();
        for (int i = 0; i < cases.get("cases").size(); i += 3) {
            kept.add(cases.get("cases").get(i));
        }
        cases.set("cases", kept);
        json.writeValue(conv.resolve("cases.json").toFile(), cases);
        return dir;
    }

    private static VerificationReport verify(Kernel k, String variant) {
        return GateVerifier.valuesOnly(everyThirdConv).verify(new Request(List.of("conv2d"), variant, "test", k, Map.of("conv2d", new DirectConv2d()), 3));
    }

    @Test
    void eachWrongBlockedConvFailsTheGateThroughItsBlockedEntryPoints() {
        for (Bug bug : List.of(Bug.INPUT_ONE_COLUMN_OFF, Bug.LANES_PAST_C_REACH_A_CHANNEL, Bug.GARBAGE_IN_A_ZERO_COLUMN, Bug.IGNORES_BLOCKED_RESIDUAL)) {
            VerificationReport r = verify(new WrongBlockedConv2d(bug), bug.name());
            assertFalse(r.passed(), bug + ": " + r.text());
            assertTrue(r.details().stream().allMatch(d -> d.startsWith("... and ") || d.contains(": through its blocked entry points (x ")), bug + ": " + r.text());
        }
    }

    @Test
    void aBlockedRunSharingScratchIsWrongUnderConcurrency() throws Exception {
        ConcurrencyCheck.Outcome racy = ConcurrencyCheck.run(Map.of("conv2d", everyThirdConv.cases("conv2d")), new WrongBlockedConv2d(Bug.SCRATCH_SHARED_BY_RUNS),
                Map.of("conv2d", new DirectConv2d()), 1, 0);
        assertNotNull(racy.failure(), "calls made: " + racy.calls());
        assertTrue(racy.failure().matches("wrong under concurrency: case conv2d_\\S+ \\[.*\\] through its blocked entry points \\(one prepared object on every thread, each its own input\\) .*"),
                racy.failure());
        // The real blocked conv shares its prepared convs safely (its whole gate run is the in-framework tests': every kernel bundle passes it).
        ConcurrencyCheck.Outcome real = ConcurrencyCheck.run(Map.of("conv2d", everyThirdConv.cases("conv2d")), new BlockedConv2d(),
                Map.of("conv2d", new DirectConv2d()), 1, 0);
        assertNull(real.failure());
    }

    @Test
    void aBlockedPoolSharingScratchIsWrongUnderConcurrency() throws Exception {
        ReferenceVectors all = ReferenceVectors.load(Path.of(System.getProperty("opsgi.vectors")));
        ConcurrencyCheck.Outcome racy = ConcurrencyCheck.run(Map.of("max_pool2d", all.cases("max_pool2d")),
                new WrongBlockedMaxPool2d(WrongBlockedMaxPool2d.Bug.SCRATCH_SHARED_BY_RUNS), Map.of("max_pool2d", new DirectMaxPool2d()), 1, 0);
        assertNotNull(racy.failure(), "calls made: " + racy.calls());
        assertTrue(racy.failure().matches("wrong under concurrency: case max_pool2d_\\S+ \\[.*\\] through its blocked entry points \\(one prepared object on every thread, each its own input\\) .*"),
                racy.failure());
        ConcurrencyCheck.Outcome real = ConcurrencyCheck.run(Map.of("max_pool2d", all.cases("max_pool2d")), new VectorMaxPool2d(),
                Map.of("max_pool2d", new DirectMaxPool2d()), 1, 0);
        assertNull(real.failure());
    }
}
