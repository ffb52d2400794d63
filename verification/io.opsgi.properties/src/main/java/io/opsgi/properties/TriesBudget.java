package io.opsgi.properties;

import java.util.List;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Registered globally ({@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}). Sets each
 * property's tries to its {@link Tries} budget times the number of kernels under test of its
 * contract's family (a new kernel module gets its own share, not a cut of the others'), unless
 * {@code jqwik.tries.default} is given as a system property (a soak run), in which case jqwik's own
 * default governs every property. A {@code -Dopsgi.seed=S} system property fixes the seed of every
 * property (to replay a soak).
 *
 * <p>In a run started by the suite runner (io.opsgi.properties.check) (the container's {@code ./opsgi verify}) the run's
 * settings replace the system properties ({@code --tries} per kernel, {@code --seed}), and each
 * property's result, with its shrunk counterexample, goes back to the run.
 */
public class TriesBudget implements AroundPropertyHook {
    static final String SOAK = "jqwik.tries.default";
    static final String SEED = "opsgi.seed";
    /** A stranger's specialised kernel may take few of the generated geometries; its checks are counted in the report. */
    private static final int RESTRICTED_MAX_DISCARD_RATIO = 100;

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        SuiteRun run = SuiteRun.current();
        String soak = System.getProperty(SOAK);
        Integer tries;
        if (run != null) {
            Integer perKernel = run.triesPerKernel != null ? run.triesPerKernel : budget(context);
            tries = perKernel == null ? null : perKernel * kernelsUnderTest(context);
        } else if (soak != null && !soak.isBlank()) {
            tries = Integer.valueOf(soak.trim());
        } else {
            Integer budget = budget(context);
            tries = budget == null ? null : budget * kernelsUnderTest(context);
        }
        if (tries != null && context.attributes().tries().isEmpty()) {
            context.attributes().setTries(tries);
        }
        String seed = run != null ? run.seed : System.getProperty(SEED);
        if (seed != null && !seed.isBlank() && context.attributes().seed().isEmpty()) {
            context.attributes().setSeed(seed.trim());
        }
        if (run != null && run.restricted && context.attributes().maxDiscardRatio().isEmpty()) {
            context.attributes().setMaxDiscardRatio(RESTRICTED_MAX_DISCARD_RATIO);
        }
        long started = System.nanoTime();
        PropertyExecutionResult result = property.execute();
        return run == null ? result : run.finish(context, result, (System.nanoTime() - started) / 1_000_000);
    }

    /** The {@link Tries} on the method, else on the class, else none (jqwik's default applies). */
    private static Integer budget(PropertyLifecycleContext context) {
        return context.findAnnotation(Tries.class).map(Tries::value).orElseGet(() -> {
            List<Tries> onClass = context.findAnnotationsInContainer(Tries.class);
            return onClass.isEmpty() ? null : onClass.get(0).value();
        });
    }

    /** A contract's properties draw one of its family's kernels per try: the budget is per kernel. */
    private static int kernelsUnderTest(PropertyLifecycleContext context) {
        Object container = context.testInstance();
        return container instanceof KernelContract<?, ?> contract ? Math.max(1, Kernels.of(contract.family()).size()) : 1;
    }

    @Override
    public int aroundPropertyProximity() {
        return -100; // outermost: the attributes must be set before anything runs the property
    }

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }
}
