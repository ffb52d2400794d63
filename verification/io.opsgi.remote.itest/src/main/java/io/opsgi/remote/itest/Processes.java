package io.opsgi.remote.itest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** The JVMs this test run started (the sandbox, kernel hosts): found, counted, and ended, never left behind. */
final class Processes {
    private Processes() {
    }

    /** Process ids of this JVM's descendants whose command line contains {@code marker}. */
    static Set<Long> running(String marker) {
        Set<Long> out = new TreeSet<>();
        ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains(marker)).forEach(p -> out.add(p.pid()));
        return out;
    }

    /** Ends every descendant of this JVM and waits for each (bounded). */
    static void endAll() {
        ProcessHandle.current().descendants().forEach(p -> {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the caller's check below
            }
        });
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
