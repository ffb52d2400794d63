package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ExitWitnessTest {
    private static StackTraceElement frame(String cls, String method) {
        return new StackTraceElement(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", 7);
    }

    @Test
    void namesTheFirstFrameBelowSystemExit() {
        StackTraceElement[] trace = {frame("java.lang.Shutdown", "exit"), frame("java.lang.Runtime", "exit"),
                frame("java.lang.System", "exit"), frame("com.stranger.ExitingRelu", "relu"), frame("jdk.proxy1.$Proxy9", "relu")};
        assertEquals("com.stranger.ExitingRelu.relu(ExitingRelu.java:7)", ExitWitness.exitCaller(trace));
    }

    @Test
    void aThreadNotExitingNamesNothing() {
        assertNull(ExitWitness.exitCaller(new StackTraceElement[] {frame("java.lang.Object", "wait"), frame("com.x.Worker", "run")}));
    }
}
