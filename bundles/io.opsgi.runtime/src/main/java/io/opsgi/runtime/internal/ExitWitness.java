package io.opsgi.runtime.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Names the code that ends the JVM while the container runs: a shutdown hook that finds the thread
 * inside {@code Runtime.exit} and prints its caller, so an exit status nobody documented (a kernel's
 * {@code System.exit(3)}) comes with one line saying who did it. A clean stop deactivates this
 * component first, and the launcher's own exit after a command is not reported; {@code Runtime.halt}
 * runs no hooks and goes unnamed (the {@code opsgi} script still reports its status).
 */
@Component(service = {})
public final class ExitWitness {
    private final Thread hook = new Thread(ExitWitness::report, "opsgi-exit-witness");

    @Activate
    void activate() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already ending: the hook runs and reports
        }
    }

    private static void report() {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String caller = exitCaller(e.getValue());
            if (caller != null && !caller.startsWith("aQute.launcher.")) { // the launcher ending a command is the normal way out
                System.err.println("opsgi: " + caller + " called System.exit on thread '" + e.getKey().getName()
                        + "'; the container is ending");
                System.err.flush();
            }
        }
    }

    /** The first frame below {@code Runtime.exit}/{@code System.exit} that is not the JDK's, or null. */
    static String exitCaller(StackTraceElement[] trace) {
        for (int i = 0; i < trace.length; i++) {
            if (trace[i].getClassName().equals("java.lang.Runtime") && trace[i].getMethodName().equals("exit")) {
                for (int j = i + 1; j < trace.length; j++) {
                    String cls = trace[j].getClassName();
                    if (!cls.equals("java.lang.System") && !cls.equals("java.lang.Runtime")) {
                        return trace[j].toString();
                    }
                }
            }
        }
        return null;
    }
}
