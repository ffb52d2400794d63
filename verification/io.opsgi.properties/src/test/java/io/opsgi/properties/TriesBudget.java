package io.opsgi.properties;

import java.util.List;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Registered globally ({@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}). Sets each
 * property's tries to its {@link Tries} budget times the number of discovered kernels of its
 * contract's family (a new kernel module gets its own share, not a cut of the others'), unless {@code jqwik.tries.default} is given as a
 * system property (a soak run), in which case jqwik's own default governs every property. A
 * {@code -Dopsgi.seed=S} system property fixes the seed of every property (to replay a soak).
 */
public class TriesBudget implements AroundPropertyHook {
    static final String SOAK = "jqwik.tries.default";
    static final String SEED = "opsgi.seed";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String soak = System.getProperty(SOAK);
        if (soak == null || soak.isBlank()) {
            Integer budget = context.findAnnotation(Tries.class).map(Tries::value).orElseGet(() -> {
                List<Tries> onClass = context.findAnnotationsInContainer(Tries.class);
                return onClass.isEmpty() ? null : onClass.get(0).value();
            });
            if (budget != null && context.attributes().tries().isEmpty()) {
                context.attributes().setTries(budget * kernelsUnderTest(context));
            }
        } else if (context.attributes().tries().isEmpty()) {
            context.attributes().setTries(Integer.valueOf(soak.trim()));
        }
        String seed = System.getProperty(SEED);
        if (seed != null && !seed.isBlank() && context.attributes().seed().isEmpty()) {
            context.attributes().setSeed(seed.trim());
        }
        return property.execute();
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
