package io.opsgi.runtime.internal;

import io.opsgi.benchmarks.StandardCall;
import io.opsgi.conformance.ClasspathKernels;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.op.GeometryClass;
import io.opsgi.op.Kernel;
import io.opsgi.runtime.chain.KernelChain;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.log.Logger;

/**
 * What both live-check benchmarks call through: one standard workload's kernels found on the class path,
 * admitted by a started gate (the shipped kernels, proven by the suite: eligible as they arrive) and each timed
 * on the workload as the gate would, so deadlines and the guard's rule scale as in a container.
 */
record LiveWorkload(StandardCall call, Class<Kernel> family, GateState gate, Leases leases, List<Candidate> served) {
    @SuppressWarnings("unchecked")
    static LiveWorkload of(String workload, Logger log) {
        StandardCall call = StandardCall.of(workload);
        Class<Kernel> family = (Class<Kernel>) call.family();
        Selection selection = new Selection();
        GateState gate = new GateState(selection, new KernelEventPosts(), log);
        Leases leases = new Leases(selection, gate, log, () -> 1_000);
        gate.start(false, Duration.ofSeconds(120), null);
        long id = 1;
        Object[] args = call.args();
        String geometryClass = GeometryClass.of(args[0]);
        long work = KernelChain.work(args);
        List<Candidate> served = new ArrayList<>();
        for (DiscoveredKernel k : ClasspathKernels.discover(LiveWorkload.class.getClassLoader())) {
            if (k.serves(call.op())) {
                Candidate c = new Candidate(k.kernel(), List.of(call.op()), k.variant(), k.ranking(), id++, k.origin());
                served.add(c);
                gate.add(c);
                measure(family, call, c, geometryClass, work);
            }
        }
        return new LiveWorkload(call, family, gate, leases, List.copyOf(served));
    }

    /** The kernel's time on this workload as the gate records it (best of 1 s of calls). */
    private static void measure(Class<Kernel> family, StandardCall call, Candidate c, String geometryClass, long work) {
        if (!KernelChain.supports(family, c.kernel, call.args()[0])) {
            return;
        }
        Runnable r = call.bind(c.kernel);
        long best = Long.MAX_VALUE, start = System.nanoTime();
        for (int i = 0; i < 5 || System.nanoTime() - start < 1_000_000_000L; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        c.measured(call.op(), geometryClass, best, (double) best / Math.max(1, work));
    }

    /** A logger that says nothing: the registry's lines would interleave with the benchmark's. */
    static Logger quietLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (p, m, a) -> m.getReturnType() == boolean.class ? false : m.getReturnType() == String.class ? "bench" : null);
    }
}
