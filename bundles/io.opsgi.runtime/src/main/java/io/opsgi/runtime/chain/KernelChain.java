package io.opsgi.runtime.chain;

import io.opsgi.op.Kernel;
import io.opsgi.op.Output;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several kernels of one family behind one kernel, in rank order: each call goes to the first kernel
 * that {@code supports} its geometry (conv kernels may be specialised), and if that kernel throws,
 * or writes a non-finite value where the next kernel writes none, the next one answers instead and
 * the {@link Monitor} hears of the failure. The last kernel able to take a call is trusted as it is,
 * so a chain of one kernel behaves exactly like that kernel (conformance replays use it so).
 *
 * <p>The kernels themselves are never told: they just compute. The chain is a dynamic proxy of the
 * family interface, so it serves every family, including ones added later, with no code per family.
 */
public final class KernelChain implements InvocationHandler {
    /** What the owner of a chain learns and decides per kernel invocation. */
    public interface Monitor {
        /** Called before kernel {@code index} runs; false skips it (e.g. it is being withdrawn). */
        default boolean enter(int index) {
            return true;
        }

        /** Called after kernel {@code index} ran (or failed), always paired with a true {@link #enter}. */
        default void exit(int index) {
        }

        /** Kernel {@code index} failed this call; the chain goes on with the next kernel that supports it. */
        default void failed(int index, Method method, Object[] args, String problem, Throwable error) {
        }

        /** Kernel {@code index} answered the call. */
        default void served(int index) {
        }
    }

    /** No kernel in the chain supports the call's geometry. */
    public static final class UnsupportedGeometryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedGeometryException(String message) {
            super(message, null, false, false);
        }
    }

    private static final Monitor QUIET = new Monitor() {
    };
    private static final int[] NONE = {};

    /** What reflection tells of a family, found once per family interface (chains are made per call). */
    private record Family(Class<?> type, Method supports, Map<Method, int[]> outputs) {
    }

    private static final ClassValue<Family> FAMILIES = new ClassValue<>() {
        @Override
        protected Family computeValue(Class<?> type) {
            Map<Method, int[]> outputs = new HashMap<>();
            for (Method m : type.getMethods()) {
                outputs.put(m, outputParameters(m));
            }
            return new Family(type, supportsMethod(type), Map.copyOf(outputs));
        }
    };

    private final Class<?> family;
    private final Kernel[] kernels;
    private final Monitor monitor;
    private final Method supports;
    private final Map<Method, int[]> outputs;

    private KernelChain(Class<?> family, List<? extends Kernel> kernels, Monitor monitor) {
        Family f = FAMILIES.get(family);
        this.family = family;
        this.kernels = kernels.toArray(new Kernel[0]);
        this.monitor = monitor;
        this.supports = f.supports();
        this.outputs = f.outputs();
    }

    /** A kernel of {@code family} answering each call with the first of {@code kernels} that can. */
    public static <K extends Kernel> K of(Class<K> family, List<? extends K> kernels, Monitor monitor) {
        if (kernels.isEmpty()) {
            throw new IllegalArgumentException("a kernel chain needs at least one kernel");
        }
        return family.cast(Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family},
                new KernelChain(family, kernels, monitor)));
    }

    /** {@code kernel} alone: calls it exactly as it is, but refuses geometries it does not support. */
    public static <K extends Kernel> K only(Class<K> family, K kernel) {
        return of(family, List.of(kernel), QUIET);
    }

    /** Whether {@code kernel} takes a call whose first argument is {@code geometry} (kernels that do not say take every call). */
    public static boolean supports(Class<?> family, Kernel kernel, Object geometry) {
        Method m = FAMILIES.get(family).supports();
        return m == null || invokeSupports(m, kernel, geometry);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "KernelChain" + List.of(kernels);
            };
        }
        Object geometry = args == null || args.length == 0 ? null : args[0];
        if (method.equals(supports)) {
            for (Kernel k : kernels) {
                if (invokeSupports(method, k, geometry)) {
                    return true;
                }
            }
            return false;
        }
        int[] written = outputs.getOrDefault(method, NONE);
        int suspect = -1;          // ran, wrote non-finite values, and a later kernel may tell whether that was right
        Throwable lastError = null;
        for (int i = 0; i < kernels.length; i++) {
            if (!takes(i, geometry) || !monitor.enter(i)) {
                continue;
            }
            try {
                method.invoke(kernels[i], args);
            } catch (InvocationTargetException e) {
                lastError = e.getCause();
                monitor.failed(i, method, args, "threw " + lastError, lastError);
                continue;
            } finally {
                monitor.exit(i);
            }
            boolean finite = allFinite(args, written);
            if (!finite && hasLaterTaker(i, geometry)) {
                if (suspect < 0) {
                    suspect = i;
                }
                continue;
            }
            if (suspect >= 0 && finite) {
                monitor.failed(suspect, method, args, "wrote non-finite values where " + kernels[i] + " writes finite ones", null);
            }
            monitor.served(i);
            return null;
        }
        if (suspect >= 0) {
            // Every later kernel threw: the suspect's non-finite answer is the only one there is.
            method.invoke(kernels[suspect], args);
            monitor.served(suspect);
            return null;
        }
        if (lastError != null) {
            throw lastError;
        }
        throw new UnsupportedGeometryException(family.getSimpleName() + ": no kernel of " + List.of(kernels) + " supports " + geometry);
    }

    private boolean takes(int i, Object geometry) {
        return supports == null || invokeSupports(supports, kernels[i], geometry);
    }

    private boolean hasLaterTaker(int i, Object geometry) {
        for (int j = i + 1; j < kernels.length; j++) {
            if (takes(j, geometry)) {
                return true;
            }
        }
        return false;
    }

    private static boolean invokeSupports(Method supports, Kernel kernel, Object geometry) {
        if (!supports.getParameterTypes()[0].isInstance(geometry)) {
            return true;
        }
        try {
            return (Boolean) supports.invoke(kernel, geometry);
        } catch (InvocationTargetException | IllegalAccessException e) {
            return false; // a kernel that cannot answer whether it supports a call does not get the call
        }
    }

    private static Method supportsMethod(Class<?> family) {
        for (Method m : family.getMethods()) {
            if (m.getName().equals("supports") && m.getParameterCount() == 1 && m.getReturnType() == boolean.class) {
                return m;
            }
        }
        return null;
    }

    private static int[] outputParameters(Method m) {
        Annotation[][] annotations = m.getParameterAnnotations();
        int[] found = new int[annotations.length];
        int n = 0;
        for (int p = 0; p < annotations.length; p++) {
            for (Annotation a : annotations[p]) {
                if (a instanceof Output && m.getParameterTypes()[p] == float[].class) {
                    found[n++] = p;
                }
            }
        }
        return java.util.Arrays.copyOf(found, n);
    }

    private static boolean allFinite(Object[] args, int[] written) {
        for (int p : written) {
            if (args[p] instanceof float[] a) {
                for (float v : a) {
                    if (!Float.isFinite(v)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
