package io.opsgi.remote.internal;

import io.opsgi.op.Kernel;
import io.opsgi.remote.RemoteKernel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A local kernel as a {@link RemoteKernel}, on the host. Public: the TCP provider invokes it by
 * reflection. Failures go back as a plain {@link RuntimeException} with one line (the kernel's own
 * exception classes do not exist on the caller's side). While a call runs, its thread is named after
 * the kernel's bundle, so the exit witness names the kernel that ends the host.
 */
public final class ExportedKernel implements RemoteKernel {
    /** The thread name prefix the sandbox's blame reads from the exit witness's line. */
    static final String THREAD_PREFIX = "opsgi-remote ";

    private final Class<?> family;
    private final Kernel kernel;
    private final String bundle;

    ExportedKernel(Class<?> family, Kernel kernel, String bundle) {
        this.family = family;
        this.kernel = kernel;
        this.bundle = bundle;
    }

    @Override
    public Object call(String method, Object[] args) {
        Thread t = Thread.currentThread();
        String name = t.getName();
        t.setName(THREAD_PREFIX + bundle);
        try {
            Method m = Calls.method(family, method, args.length);
            int[] outputs = Calls.outputs(m);
            Object[] decoded = Calls.decodeArgs(m, outputs, args);
            return Calls.result(outputs, decoded, m.invoke(kernel, decoded));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new RuntimeException(cause.getClass().getName() + ": " + cause.getMessage(), null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new RuntimeException(e.getClass().getName() + ": " + e.getMessage(), null);
        } finally {
            t.setName(name);
        }
    }
}
