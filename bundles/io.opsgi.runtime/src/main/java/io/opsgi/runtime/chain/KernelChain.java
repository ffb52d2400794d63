package io.opsgi.runtime.chain;

import io.opsgi.op.ConvGeometry;
import io.opsgi.op.Kernel;
import io.opsgi.op.Output;
import io.opsgi.op.PoolGeometry;
import java.io.InterruptedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.channels.ClosedByInterruptException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Several kernels of one family behind one kernel, in rank order: each call goes to the first kernel
 * that {@code supports} its geometry (conv kernels may be specialised), and if that kernel throws or
 * overruns its deadline, the next one answers instead (on cleared outputs: a failed attempt's
 * half-written values never reach it) and the {@link Monitor} hears of the failure. A non-finite
 * output is checked with one call of the last kernel that takes the geometry (the reference): if
 * that one writes finite values, the first is blamed. The last kernel able to take a call is
 * trusted as it is, so a chain of one kernel behaves exactly like that kernel (conformance replays
 * use it so).
 *
 * <p>Not every failure is the kernel's: when the caller's thread is interrupted (a cancelled
 * {@code Future}) the call ends with a {@link CancellationException}, and a condition of the whole
 * JVM ({@link VirtualMachineError}: out of memory, stack overflow) fails the call with that error;
 * neither blames a kernel.
 *
 * <p>A method that returns something (a conv kernel's {@code prepare}) returns what the kernel that
 * answered returned; the object it made runs outside the chain afterwards.
 *
 * <p>The kernels themselves are never told: they just compute. The chain is a dynamic proxy of the
 * family interface, so it serves every family, including ones added later, with no code per family.
 */
public final class KernelChain implements InvocationHandler {
    /** What the owner of a chain learns and decides per kernel invocation. */
    @org.osgi.annotation.versioning.ConsumerType
    public interface Monitor {
        /**
         * Called once per call, before any kernel runs, with the parameters the kernels write; what it
         * returns comes back in {@link #answered} (e.g. copies of the inputs, for a sampled check).
         */
        default Object before(Method method, Object[] args, int[] written) {
            return null;
        }

        /** Called once per call after kernel {@code index} answered it, with what {@link #before} returned, if not null. */
        default void answered(int index, Method method, Object[] args, Object fromBefore) {
        }

        /** Called before kernel {@code index} runs; false skips it (e.g. it is being withdrawn). */
        default boolean enter(int index) {
            return true;
        }

        /**
         * Asked once as soon as kernel {@code index} returned or threw: true if the attempt overran its
         * deadline (whoever watches deadlines blamed the kernel and interrupted the thread for it); the
         * chain then clears that interrupt and goes on with the next kernel, without blaming it again.
         * After this answer the attempt is no longer watched.
         */
        default boolean overran(int index) {
            return false;
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

    /**
     * How a chain runs one attempt of kernel {@code index}: as it is ({@link #DIRECT}, on the caller's
     * thread) or otherwise (e.g. on a worker thread the caller waits for with a deadline). Whatever
     * the kernel throws comes back wrapped in an {@link InvocationTargetException}, as from
     * {@link Method#invoke}. Runs between {@link Monitor#enter} and {@link Monitor#overran}.
     */
    @org.osgi.annotation.versioning.ConsumerType
    public interface Runner {
        Object run(int index, Method method, Kernel kernel, Object[] args, int[] written) throws InvocationTargetException,
                IllegalAccessException;
    }

    /** Calls the kernel on the caller's thread. */
    public static final Runner DIRECT = (index, method, kernel, args, written) -> method.invoke(kernel, args);

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
    private final Runner runner;
    private final Method supports;
    private final Map<Method, int[]> outputs;

    private KernelChain(Class<?> family, List<? extends Kernel> kernels, Monitor monitor, Runner runner) {
        Family f = FAMILIES.get(family);
        this.family = family;
        this.kernels = kernels.toArray(new Kernel[0]);
        this.monitor = monitor;
        this.runner = runner;
        this.supports = f.supports();
        this.outputs = f.outputs();
    }

    /** A kernel of {@code family} answering each call with the first of {@code kernels} that can. */
    public static <K extends Kernel> K of(Class<K> family, List<? extends K> kernels, Monitor monitor) {
        return of(family, kernels, monitor, DIRECT);
    }

    /** As {@link #of(Class, List, Monitor)}, each attempt run by {@code runner}. */
    public static <K extends Kernel> K of(Class<K> family, List<? extends K> kernels, Monitor monitor, Runner runner) {
        if (kernels.isEmpty()) {
            throw new IllegalArgumentException("a kernel chain needs at least one kernel");
        }
        return family.cast(Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family},
                new KernelChain(family, kernels, monitor, runner)));
    }

    /**
     * The amount of work of one kernel call, from its arguments, in one unit for every family: the
     * elements of its arrays, plus the multiply-adds or window taps its geometry implies (a convolution's
     * {@code n·cOut·oh·ow·cIn/groups·kh·kw}, taken both ways round so conv_transpose2d is covered too; a
     * pool's {@code n·c·oh·ow·kh·kw}). The gate records each timed workload's work beside its time, and a
     * live call's deadline is the measured time per unit times this call's work, so it scales with the call.
     */
    public static long work(Object[] args) {
        long work = 0;
        for (Object a : args == null ? new Object[0] : args) {
            if (a instanceof float[] f) {
                work += f.length;
            } else if (a instanceof long[] l) {
                work += l.length;
            }
        }
        Object geometry = args == null || args.length == 0 ? null : args[0];
        if (geometry instanceof ConvGeometry g) {
            long taps = (long) g.kh() * g.kw() * g.n();
            work += taps * Math.max((long) g.cOut() * g.oh() * g.ow() * g.cInPerGroup(), (long) g.cIn() * g.h() * g.w() * g.cOutPerGroup());
        } else if (geometry instanceof PoolGeometry g) {
            work += (long) g.n() * g.c() * g.oh() * g.ow() * g.kh() * g.kw();
        }
        return work;
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
        Object fromBefore = monitor.before(method, args, written);
        int suspect = -1;          // ran, wrote non-finite values; the last taker tells whether that was right
        boolean dirty = false;     // an earlier attempt may have written the outputs
        Throwable lastError = null;
        Object result = null;      // what a method that returns something (prepare) returned
        for (int i = 0; i < kernels.length; i++) {
            if (!takes(i, geometry) || !monitor.enter(i)) {
                continue;
            }
            if (dirty) {
                clear(args, written);
            }
            dirty = true;
            Throwable error = null;
            boolean overran;
            try {
                try {
                    result = runner.run(i, method, kernels[i], args, written);
                } catch (InvocationTargetException e) {
                    error = e.getCause();
                }
                // Blame is reported while the kernel is still entered, so its owner can quarantine it before it is released.
                overran = monitor.overran(i); // whoever watches deadlines has blamed the kernel already
                if (!overran && error != null && !cancelledByCaller(error) && !(error instanceof VirtualMachineError)) {
                    monitor.failed(i, method, args, "threw " + error, error);
                }
            } finally {
                monitor.exit(i);
            }
            if (overran) {
                Thread.interrupted(); // the watchdog's interrupt, not the caller's
                lastError = new IllegalStateException(kernels[i] + " overran its deadline");
                continue;
            }
            if (error != null) {
                if (cancelledByCaller(error)) {
                    throw cancelled(kernels[i], geometry, error);
                }
                if (error instanceof VirtualMachineError vme) {
                    throw jvmWide(kernels[i], geometry, vme);
                }
                lastError = error;
                continue;
            }
            boolean finite = allFinite(args, written);
            if (!finite && suspect < 0) {
                int last = lastTaker(geometry);
                if (last > i) {
                    suspect = i;
                    i = last - 1; // one extra call, of the reference, not the whole chain
                    continue;
                }
            }
            if (suspect >= 0 && finite) {
                monitor.failed(suspect, method, args, "wrote non-finite values where " + kernels[i] + " writes finite ones", null);
            }
            monitor.served(i);
            if (fromBefore != null) {
                monitor.answered(i, method, args, fromBefore);
            }
            return result;
        }
        if (suspect >= 0 && monitor.enter(suspect)) {
            // The reference threw: the suspect's non-finite answer is the only one there is.
            try {
                clear(args, written);
                result = runner.run(suspect, method, kernels[suspect], args, written);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                monitor.overran(suspect); // ends the watch; the answer stands either way
                monitor.exit(suspect);
            }
            monitor.served(suspect);
            return result;
        }
        if (lastError != null) {
            throw lastError;
        }
        throw new UnsupportedGeometryException(family.getSimpleName() + ": no kernel of " + List.of(kernels) + " supports " + geometry);
    }

    /**
     * The caller gave up on the call: its thread is interrupted, or the failure comes from an interrupt
     * (a kernel that caught it without restoring the flag). Only the caller interrupts a call's thread
     * (the watchdog's interrupts are told apart by {@link Monitor#overran}); a kernel that merely throws
     * a {@link CancellationException} of its own is blamed like any other failure.
     */
    private static boolean cancelledByCaller(Throwable error) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof InterruptedIOException || t instanceof ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    private CancellationException cancelled(Kernel kernel, Object geometry, Throwable error) {
        CancellationException e = new CancellationException(family.getSimpleName() + ": call cancelled: the calling thread was "
                + "interrupted while " + kernel + " ran " + geometry + "; the output is discarded and no kernel is blamed");
        e.initCause(error);
        return e;
    }

    /** The same kind of error, saying where it struck and that no kernel is blamed for it. */
    private Error jvmWide(Kernel kernel, Object geometry, VirtualMachineError error) {
        String message = family.getSimpleName() + ": " + error + " while " + kernel + " ran " + geometry
                + "; a condition of the whole JVM, not the kernel's fault: nothing is quarantined";
        Error out = error instanceof OutOfMemoryError ? new OutOfMemoryError(message)
                : error instanceof StackOverflowError ? new StackOverflowError(message) : null;
        if (out == null) {
            return error;
        }
        out.initCause(error);
        return out;
    }

    private int lastTaker(Object geometry) {
        for (int j = kernels.length - 1; j >= 0; j--) {
            if (takes(j, geometry)) {
                return j;
            }
        }
        return -1;
    }

    private static void clear(Object[] args, int[] written) {
        for (int p : written) {
            if (args[p] instanceof float[] a) {
                Arrays.fill(a, 0f);
            }
        }
    }

    private boolean takes(int i, Object geometry) {
        return supports == null || invokeSupports(supports, kernels[i], geometry);
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
        return Arrays.copyOf(found, n);
    }

    private static boolean allFinite(Object[] args, int[] written) {
        for (int p : written) {
            if (args[p] instanceof float[] a && !FiniteScan.allFinite(a)) {
                return false;
            }
        }
        return true;
    }
}
