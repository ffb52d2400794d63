package io.opsgi.properties;

import io.opsgi.properties.check.PropertyResult;
import io.opsgi.properties.check.PropertyResult.Status;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.ShrunkFalsifiedSample;

/**
 * The settings and results of the run {@link SuiteRunner} is making; {@link TriesBudget} applies
 * the settings to each property and hands back its result. There is none under plain surefire, where
 * the settings come from system properties and jqwik reports by itself.
 */
final class SuiteRun {
    private static volatile SuiteRun current;

    /** Tries per property and kernel under test, or null for each property's CI budget. */
    final Integer triesPerKernel;
    final String seed;
    final boolean restricted;
    private final Map<String, PropertyResult> results = new ConcurrentHashMap<>();

    SuiteRun(Integer triesPerKernel, long seed, boolean restricted) {
        this.triesPerKernel = triesPerKernel;
        this.seed = Long.toString(seed);
        this.restricted = restricted;
    }

    static SuiteRun current() {
        return current;
    }

    static void start(SuiteRun run) {
        current = run;
    }

    static void end() {
        current = null;
    }

    static String key(String className, String method) {
        return className + "#" + method;
    }

    PropertyResult result(String className, String method) {
        return results.get(key(className, method));
    }

    /** Records how the property went; in a restricted run, a property none of whose tries applied is "not applicable", not failed. */
    PropertyExecutionResult finish(PropertyLifecycleContext context, PropertyExecutionResult result, long millis) {
        Status status = switch (result.status()) {
            case SUCCESSFUL -> Status.PASSED;
            case ABORTED -> Status.NOT_APPLICABLE;
            case FAILED -> restricted && nothingApplied(result) ? Status.NOT_APPLICABLE : Status.FAILED;
        };
        Optional<FalsifiedSample> sample = result.shrunkSample().map(s -> (FalsifiedSample) s).or(result::originalSample);
        String counterexample = sample.map(s -> s.parameters().stream().map(String::valueOf).collect(Collectors.joining("; "))).orElse(null);
        String error = sample.flatMap(FalsifiedSample::falsifyingError).or(result::throwable).map(SuiteRun::text).orElse(null);
        if (status == Status.NOT_APPLICABLE && result.status() == PropertyExecutionResult.Status.FAILED) {
            error = "no try applied to the kernels under test (" + result.countTries() + " discarded)";
            result = result.mapToAborted(new org.opentest4j.TestAbortedException(error));
        }
        results.put(key(context.containerClass().getName(), context.targetMethod().getName()),
                new PropertyResult(context.containerClass().getSimpleName(), context.targetMethod().getName(), status, result.countTries(),
                        result.countChecks(), result.seed().orElse(seed), status == Status.FAILED ? counterexample : null,
                        result.shrunkSample().map(ShrunkFalsifiedSample::countShrinkingSteps).orElse(0), status == Status.PASSED ? null : error, millis));
        return result;
    }

    /** jqwik gives up ("exhausted") when every try was discarded: here, no kernel under test took any generated case. */
    private static boolean nothingApplied(PropertyExecutionResult result) {
        return result.countChecks() == 0 && result.countTries() > 0
                && result.throwable().map(t -> String.valueOf(t.getMessage()).contains("exhausted after")).orElse(false);
    }

    /** The error and, unless it is an assertion, where it came from: enough to find a kernel's bug without a debugger. */
    static String text(Throwable t) {
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
