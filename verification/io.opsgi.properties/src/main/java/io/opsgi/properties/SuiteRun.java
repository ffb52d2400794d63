package io.opsgi.properties;

import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The settings of the run the suite runner (io.opsgi.properties.check) is making, and where each
 * property's result goes; {@link TriesBudget} applies the settings to each property and hands back
 * its result. There is none under plain surefire, where the settings come from system properties
 * and jqwik reports by itself. The results are the runner's business: this package does not know
 * the report types, so the runner depends on the properties and not the other way round.
 */
public final class SuiteRun {
    /** Receives each property's result; {@code notApplicable} is the reason when none of its tries applied, else null. */
    @FunctionalInterface
    public interface Finisher {
        void finished(Class<?> container, String property, PropertyExecutionResult result, String notApplicable, long millis);
    }

    private static volatile SuiteRun current;

    /** Tries per property and kernel under test, or null for each property's CI budget. */
    final Integer triesPerKernel;
    final String seed;
    final boolean restricted;
    private final Finisher finisher;

    public SuiteRun(Integer triesPerKernel, long seed, boolean restricted, Finisher finisher) {
        this.triesPerKernel = triesPerKernel;
        this.seed = Long.toString(seed);
        this.restricted = restricted;
        this.finisher = finisher;
    }

    static SuiteRun current() {
        return current;
    }

    public static void start(SuiteRun run) {
        current = run;
    }

    public static void end() {
        current = null;
    }

    /** Hands the property's result to the runner; in a restricted run, a property none of whose tries applied is "not applicable", not failed. */
    PropertyExecutionResult finish(PropertyLifecycleContext context, PropertyExecutionResult result, long millis) {
        String notApplicable = null;
        if (restricted && result.status() == PropertyExecutionResult.Status.FAILED && nothingApplied(result)) {
            notApplicable = "no try applied to the kernels under test (" + result.countTries() + " discarded)";
            result = result.mapToAborted(new org.opentest4j.TestAbortedException(notApplicable));
        }
        finisher.finished(context.containerClass(), context.targetMethod().getName(), result, notApplicable, millis);
        return result;
    }

    /** jqwik gives up ("exhausted") when every try was discarded: here, no kernel under test took any generated case. */
    private static boolean nothingApplied(PropertyExecutionResult result) {
        return result.countChecks() == 0 && result.countTries() > 0
                && result.throwable().map(t -> String.valueOf(t.getMessage()).contains("exhausted after")).orElse(false);
    }

    /** The error and, unless it is an assertion, where it came from: enough to find a kernel's bug without a debugger. */
    public static String text(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        if (!(t instanceof AssertionError)) {
            StackTraceElement[] trace = t.getStackTrace();
            for (int i = 0; i < Math.min(3, trace.length); i++) {
                sb.append("\n    at ").append(trace[i]);
            }
        }
        return sb.toString();
    }
}
