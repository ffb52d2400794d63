package io.opsgi.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** benchmarks/run's flags, as picocli parses them. */
class BenchOptionsTest {
    private static final String[] REQUIRED = {"--workloads", "w.json", "--work", "work", "--results", "results", "--peer-script", "peers.py"};

    private static String[] with(String... more) {
        String[] all = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(more, 0, all, REQUIRED.length, more.length);
        return all;
    }

    @Test
    void defaults_are_a_full_run_with_peers_on_one_and_two_threads() {
        Bench.Options o = Bench.Options.parse(REQUIRED);
        assertFalse(o.quick);
        assertTrue(o.peers());
        assertEquals(List.of(1, 2), o.threads);
        assertEquals("", o.filter.pattern());
        assertEquals("/usr/bin/python3", o.python);
        assertEquals(Path.of("w.json"), o.workloads);
    }

    @Test
    void every_flag_is_read() {
        Bench.Options o = Bench.Options.parse(with("--quick", "--no-peers", "--filter", "r18_.*", "--variants", "gemm", "--threads", "1,4",
                "--python", "py", "--command", "run it"));
        assertTrue(o.quick);
        assertFalse(o.peers());
        assertEquals("r18_.*", o.filter.pattern());
        assertEquals("gemm", o.variants.pattern());
        assertEquals(List.of(1, 4), o.threads);
        assertEquals("py", o.python);
        assertEquals("run it", o.command);
    }

    @Test
    void bad_command_lines_are_one_line_each() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Bench.Options.parse(new String[] {"--quick"}));
        assertTrue(missing.getMessage().contains("--workloads"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bench.Options.parse(with("--bogus")));
        assertThrows(IllegalArgumentException.class, () -> Bench.Options.parse(with("--threads", "0")));
        assertThrows(IllegalArgumentException.class, () -> Bench.Options.parse(with("--threads", "two")));
        assertThrows(IllegalArgumentException.class, () -> Bench.Options.parse(with("--filter", "(")));
        assertNull(Bench.Options.parse(new String[] {"--help"}), "help is printed, not an error");
    }
}
