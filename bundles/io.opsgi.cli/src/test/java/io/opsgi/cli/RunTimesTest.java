package io.opsgi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunTimesTest {
    @Test
    void medianAndMinimumNotTheLastRun() {
        RunTimes t = RunTimes.of(new long[] {9_000_000, 3_000_000, 5_000_000, 4_000_000, 7_000_000});
        assertEquals(5.0, t.medianMillis());
        assertEquals(3.0, t.minMillis());
        assertEquals("5 runs: median 5.000 ms, min 3.000 ms", t.describe());
    }

    @Test
    void anEvenCountTakesTheMiddlePair() {
        assertEquals(4.5, RunTimes.of(new long[] {6_000_000, 3_000_000, 4_000_000, 5_000_000}).medianMillis());
    }
}
