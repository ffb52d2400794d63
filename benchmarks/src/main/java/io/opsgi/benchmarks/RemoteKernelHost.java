package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import io.opsgi.op.Kernel;
import io.opsgi.remote.internal.RemoteBenchSupport;
import java.io.IOException;

/**
 * The second JVM of {@link RemoteCallBench}: serves one kernel variant over Aries RSA's TCP provider on a
 * loopback port, prints {@code PORT n}, and ends when its standard input closes (its parent ended), so
 * no host outlives the benchmark fork that started it.
 */
public final class RemoteKernelHost {
    private RemoteKernelHost() {
    }

    public static void main(String[] args) throws IOException {
        Parallel.setThreads(Integer.parseInt(args[2]));
        Kernel kernel = Variants.discover().find(args[0], args[1]).kernel();
        int port = RemoteBenchSupport.serve(family(kernel), kernel);
        System.out.println("PORT " + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent closes the pipe
        }
        System.exit(0);
    }

    static Class<?> family(Kernel k) {
        for (Class<?> c : k.getClass().getInterfaces()) {
            if (c != Kernel.class && Kernel.class.isAssignableFrom(c)) {
                return c;
            }
        }
        throw new IllegalStateException(k + " implements no kernel family");
    }
}
