package io.opsgi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void aLogGetsAboutTenLinesWhateverTheCount() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), false, "run", 1000);
        for (int i = 1; i <= 1000; i++) {
            p.step(i);
        }
        String log = out.toString(StandardCharsets.UTF_8);
        assertEquals(10, log.lines().count(), log);
        assertTrue(log.endsWith("run 1000/1000\n"), log);
    }

    @Test
    void aTerminalGetsOneLineRewrittenAndClearedAtTheEnd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), true, "run", 3);
        for (int i = 1; i <= 3; i++) {
            p.step(i);
        }
        assertEquals("\rrun 1/3\rrun 2/3\rrun 3/3\r\033[K", out.toString(StandardCharsets.UTF_8));
    }
}
