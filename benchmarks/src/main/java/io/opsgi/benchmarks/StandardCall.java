package io.opsgi.benchmarks;

import io.opsgi.op.Kernel;
import java.nio.file.Path;

/**
 * One standard workload's kernel call ({@code benchmarks/workloads.json}, bound as {@link OpCase}
 * binds it: data_init tensors, a caller-owned output) for benchmarks outside this package: the
 * registry's benchmarks sit in the runtime's package to build its parts without a framework.
 */
public final class StandardCall {
    private final OpCase call;
    private final float[] output;

    private StandardCall(OpCase call) {
        this.call = call;
        this.output = new float[call.outputSize()];
    }

    /** Workload {@code id} of {@code -Dopsgi.bench.workloads} (default {@code benchmarks/workloads.json}, from the repository root). */
    public static StandardCall of(String id) {
        Workloads all = Workloads.load(Path.of(System.getProperty(WorkDir.WORKLOADS_PROPERTY, "benchmarks/workloads.json")));
        return new StandardCall(OpCase.of(all.get(id), all.dataInit()));
    }

    public String op() {
        return call.op();
    }

    public Class<? extends Kernel> family() {
        return call.family();
    }

    /** The kernel call's arguments, the geometry first (copies of the array, the same tensors). */
    public Object[] args() {
        return call.args();
    }

    /** The call of {@code k} (a kernel, or a lease's chain) into this workload's output, allocating nothing but the binding. */
    public Runnable bind(Kernel k) {
        return call.bind(k, output);
    }

    /** The output of the last call. */
    public float[] output() {
        return output;
    }
}
