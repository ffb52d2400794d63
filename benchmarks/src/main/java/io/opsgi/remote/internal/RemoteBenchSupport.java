package io.opsgi.remote.internal;

import io.opsgi.op.Kernel;
import io.opsgi.remote.RemoteKernel;
import java.lang.reflect.Proxy;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.aries.rsa.provider.tcp.TCPServer;
import org.apache.aries.rsa.provider.tcp.TcpInvocationHandler;

/**
 * The benchmark's way into the remote path, byte for byte what the container runs: the host side
 * ({@link ExportedKernel} behind Aries RSA's {@link TCPServer}) and the caller side (Aries RSA's
 * {@link TcpInvocationHandler} proxy behind {@link RemoteAdapter}), without an OSGi framework around them.
 * Lives in the benchmarks module (same package name, plain class path) because those classes are internal.
 */
public final class RemoteBenchSupport {
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(KernelImporter.daemon("bench-remote-call"));

    private RemoteBenchSupport() {
    }

    /** Serves {@code kernel} on a loopback port with the TCP provider's server; returns the port. */
    public static int serve(Class<?> family, Kernel kernel) {
        TCPServer server = new TCPServer(new ExportedKernel(family, kernel, "bench"), "127.0.0.1", 0, 4);
        try {
            var port = TCPServer.class.getDeclaredMethod("getPort");
            port.setAccessible(true);
            return (Integer) port.invoke(server);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kernel at {@code port} as the container's adapter presents an imported one. */
    public static Kernel client(Class<?> family, int port) throws Exception {
        ClassLoader cl = RemoteBenchSupport.class.getClassLoader();
        RemoteKernel remote = (RemoteKernel) Proxy.newProxyInstance(cl, new Class<?>[] {RemoteKernel.class},
                new TcpInvocationHandler(cl, "127.0.0.1", port, 120_000));
        Link link = new Link("tcp://127.0.0.1:" + port, "bench");
        return (Kernel) Proxy.newProxyInstance(cl, new Class<?>[] {Kernel.class, family},
                new RemoteAdapter(family, remote, link, "bench", "bench@" + port, WORKERS));
    }
}
