package io.opsgi.remote.internal;

import io.opsgi.remote.RemoteKernel;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.osgi.framework.ServiceException;

/**
 * An imported {@link RemoteKernel} presented as an ordinary kernel of its family (a dynamic proxy of
 * the family interface, like the runtime's chain): the inputs go out, the written outputs come back
 * and are copied into the caller's arrays. The remote call runs on a worker while the caller waits
 * interruptibly, so the registry's watchdog can take the caller back from a host that stopped
 * answering (a socket read ignores interrupts). A transport failure or a timeout is reported to the
 * {@link Link} (the sandbox restarts, a host is marked down) and fails the call, which the chain
 * answers with its next kernel.
 */
final class RemoteAdapter implements InvocationHandler {
    private final Class<?> family;
    private final RemoteKernel remote;
    private final Link link;
    private final String bundle;
    private final String name;
    private final ExecutorService workers;
    /** supports(geometry) per geometry: asked on every call of a conv chain, answered once. */
    private final Map<Object, Boolean> supports = new ConcurrentHashMap<>();

    RemoteAdapter(Class<?> family, RemoteKernel remote, Link link, String bundle, String name, ExecutorService workers) {
        this.family = family;
        this.remote = remote;
        this.link = link;
        this.bundle = bundle;
        this.name = name;
        this.workers = workers;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> name;
            };
        }
        if (m.isDefault()) {
            // A family's default method (conv2d's prepare) runs here, calling the remote kernel's plain methods.
            return InvocationHandler.invokeDefault(proxy, m, args);
        }
        if (m.getName().equals("supports") && m.getParameterCount() == 1 && args[0] != null) {
            Boolean known = supports.get(args[0]);
            if (known != null) {
                return known;
            }
            boolean answer = (Boolean) call(m, args);
            if (supports.size() < 10_000) {
                supports.put(args[0], answer);
            }
            return answer;
        }
        return call(m, args);
    }

    private Object call(Method m, Object[] args) throws Throwable {
        String down = link.downReason();
        if (down != null) {
            throw new IllegalStateException(name + " cannot be called: " + down);
        }
        int[] outputs = Calls.outputs(m);
        Object[] encoded = Calls.encodeArgs(m, outputs, args);
        Future<Object> f = workers.submit(() -> {
            link.enter(bundle); // counted while the remote call runs: what the sandbox blames if it dies now
            try {
                return remote.call(m.getName(), encoded);
            } finally {
                link.exit(bundle);
            }
        });
        Object result;
        try {
            result = f.get();
        } catch (InterruptedException e) {
            // The caller or the watchdog gave up; the remote call ends on its own (its socket timeout).
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": the call was interrupted while the remote kernel ran", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ServiceException se && se.getType() == ServiceException.REMOTE) {
                boolean timeout = String.valueOf(se.getMessage()).startsWith("Timeout");
                link.failed(bundle, timeout, name + ": " + se.getMessage() + (se.getCause() == null ? "" : " (" + se.getCause() + ")"));
                throw new IllegalStateException(name + (timeout ? " did not answer in time: " : " is unreachable: ") + se.getMessage(), se);
            }
            throw cause;
        }
        return Calls.deliver(m, outputs, args, result);
    }
}
