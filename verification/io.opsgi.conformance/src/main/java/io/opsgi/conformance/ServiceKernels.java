package io.opsgi.conformance;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Every kernel registered in a running framework, as {@link DiscoveredKernel}s: the in-container
 * counterpart of {@link ClasspathKernels}. The caller owns the service objects it got and releases
 * them with {@link #release}.
 */
public final class ServiceKernels {
    private ServiceKernels() {
    }

    /** Kernel services accepted by {@code filter}, e.g. those of one bundle. */
    public static List<DiscoveredKernel> discover(BundleContext context, Predicate<ServiceReference<Kernel>> filter) {
        List<DiscoveredKernel> found = new ArrayList<>();
        try {
            for (ServiceReference<Kernel> ref : context.getServiceReferences(Kernel.class, null)) {
                if (!filter.test(ref)) {
                    continue;
                }
                Kernel kernel = context.getService(ref);
                if (kernel == null) {
                    continue;
                }
                Object ops = ref.getProperty(KernelInfo.OP);
                List<String> opList = ops instanceof String[] a ? List.of(a) : ops instanceof String s ? List.of(s) : List.of();
                Object variant = ref.getProperty(KernelInfo.VARIANT);
                Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
                found.add(new DiscoveredKernel(kernel, opList, variant == null ? "?" : variant.toString(),
                        ranking instanceof Integer i ? i : 0, ref.getBundle().getSymbolicName()));
            }
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        return found;
    }

    /** Gives back the service objects {@link #discover} got. */
    public static void release(BundleContext context) {
        try {
            for (ServiceReference<Kernel> ref : context.getServiceReferences(Kernel.class, null)) {
                context.ungetService(ref);
            }
        } catch (InvalidSyntaxException | IllegalStateException ignored) {
            // the framework is stopping: nothing to give back
        }
    }
}
