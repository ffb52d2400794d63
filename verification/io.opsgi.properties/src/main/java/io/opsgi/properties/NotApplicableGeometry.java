package io.opsgi.properties;

import io.opsgi.runtime.chain.KernelChain;
import java.util.List;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * Registered globally ({@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}). A kernel
 * that does not {@code supports} a try's geometry is not wrong on it, it just does not take it: the
 * {@link KernelChain} every kernel is called through ({@link Kernels}) says so with an
 * {@link KernelChain.UnsupportedGeometryException}, and the try is discarded as jqwik's
 * {@code Assume} would, also while shrinking. Only when the exception escapes the property itself:
 * a law that catches it and reports something else (e.g. an invalid configuration reaching a
 * kernel) still fails.
 */
public class NotApplicableGeometry implements AroundTryHook {
    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        TryExecutionResult result;
        try {
            result = aTry.execute(parameters);
        } catch (KernelChain.UnsupportedGeometryException e) {
            return TryExecutionResult.invalid(e);
        }
        if (result.isFalsified() && result.throwable().orElse(null) instanceof KernelChain.UnsupportedGeometryException e) {
            return TryExecutionResult.invalid(e);
        }
        return result;
    }

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }
}
