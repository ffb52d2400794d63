package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.runtime.VerificationReport;
import io.opsgi.runtime.VerificationReport.Timing;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/** What the gate's memory keeps and gives back: passes whole, never failures, nothing from a foreign or torn file. */
class VerdictMemoryTest {
    private static final String KEY = "0123abcd";
    private final Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (p, m, a) -> null);

    @TempDir
    Path folder;

    private VerdictMemory memory() {
        return VerdictMemory.in(folder.toString(), log);
    }

    @Test
    void aPassComesBackWithItsTimingsAndPerOpLinesAndSaysItIsRemembered() {
        Timing t = new Timing("relu", "elementwise", "relu 1x64x56x56", "vector", 41_000, 30, 200_704);
        VerificationReport pass = VerificationReport.passed("3 vector cases and 3 differential cases passed", Duration.ofMillis(1234))
                .with(Map.of("relu", "3 vector cases passed"), List.of(t));
        memory().remember(KEY, pass);

        VerificationReport back = memory().recall(KEY);
        assertTrue(back.passed());
        assertEquals("remembered pass of " + pass.at() + ": " + pass.summary(), back.summary());
        assertEquals("remembered pass of " + pass.at() + ": 3 vector cases passed", back.summary("relu"));
        assertEquals(List.of(t), back.timings());
        assertEquals(pass.at(), back.at());
        assertEquals(pass.took(), back.took());
        assertNull(memory().recall("another"), "another key is a miss");
    }

    @Test
    void aFailureIsNeverRememberedAndAForgottenPassIsGone() throws Exception {
        memory().remember(KEY, VerificationReport.failed("1 failed", List.of("vector case x: wrong"), Duration.ZERO));
        assertNull(memory().recall(KEY));
        assertEquals(0, Files.list(folder).count(), "nothing written for a failure");

        memory().remember(KEY, VerificationReport.passed("ok", Duration.ZERO));
        memory().forget(KEY);
        assertNull(memory().recall(KEY));
    }

    @Test
    void aTornOrForeignFileIsAMiss() throws Exception {
        Files.writeString(folder.resolve(KEY + ".json"), "{\"format\": \"opsgi verdict 1\", \"summary\": \"ok\", \"at\": ");
        assertNull(memory().recall(KEY), "torn");
        Files.writeString(folder.resolve(KEY + ".json"), "{\"format\": \"something else\", \"summary\": \"ok\", \"at\": \"2026-12-07T00:00:00Z\"}");
        assertNull(memory().recall(KEY), "another format");
    }

    /** The key is taken on the gate's thread: a digest that throws must leave the kernel to be verified, not stall the gate. */
    @Test
    void aSuiteDigestThatThrowsMeansNoKeyNotAStuckGate() {
        io.opsgi.runtime.ReproducibleVerifier broken = new io.opsgi.runtime.ReproducibleVerifier() {
            @Override
            public String suiteDigest() {
                throw new java.io.UncheckedIOException(new java.io.IOException("vectors unreadable"));
            }

            @Override
            public VerificationReport verify(Request request) {
                return VerificationReport.passed("ok", Duration.ZERO);
            }
        };
        org.osgi.framework.Bundle home = (org.osgi.framework.Bundle) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {org.osgi.framework.Bundle.class}, (p, m, a) -> null);
        Candidate c = new Candidate(null, List.of("relu"), "vector", 0, 1, "a bundle", home);
        assertNull(memory().key(c, Map.of(), broken, 1, Duration.ofSeconds(120), k -> home));
    }

    @Test
    void passesUnusedForThirtyDaysArePrunedAndARecallRenewsOne() throws Exception {
        VerificationReport pass = VerificationReport.passed("ok", Duration.ZERO);
        memory().remember("old", pass);
        Files.setLastModifiedTime(folder.resolve("old.json"), FileTime.from(Instant.now().minus(VerdictMemory.UNUSED).minusSeconds(60)));
        memory().remember("recent", pass);
        Files.setLastModifiedTime(folder.resolve("recent.json"), FileTime.from(Instant.now().minus(Duration.ofDays(29))));

        VerdictMemory m = memory(); // opening prunes
        assertFalse(Files.exists(folder.resolve("old.json")), "unused for 30 days: deleted");
        assertTrue(m.recall("recent").passed());
        assertTrue(Files.getLastModifiedTime(folder.resolve("recent.json")).toInstant().isAfter(Instant.now().minusSeconds(60)), "a recall renews it");
    }

    @Test
    void offOrBlankRemembersNothing() {
        assertNull(VerdictMemory.in(null, log));
        assertNull(VerdictMemory.in(" ", log));
        assertNull(VerdictMemory.in("off", log));
    }

    @Test
    void theMachineNamesTheJvmAndTheCpu() {
        String m = VerdictMemory.machine();
        assertTrue(m.contains(System.getProperty("java.vm.version")) && m.contains(System.getProperty("os.arch")), m);
    }
}
