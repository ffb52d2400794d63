package io.opsgi.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * This machine's float32 FMA ceiling as the JVM reaches it, measured in the same run as the kernels
 * ({@link Bench}): 12 independent chains of {@code a = a·m + c} on the Vector API's preferred species,
 * all in registers, nothing loaded or stored in the loop. Twelve chains cover the FMA latency times the
 * FMA units of current x86 cores (4 cycles x 2 units). JMH throughput with one operation per flop, so
 * the score is flop/s: per thread with one thread, the sum over threads with several.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FmaPeak {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    static final int STEPS = 4096;
    /** Flops per call: 2 per lane per FMA. */
    static final int FLOPS = 2 * CHAINS * STEPS * 16; // S.length() is 16 with AVX-512; checked in the constructor

    // Not constants: C2 must not fold the chains.
    public float m = 0.9999f;
    public float c = 1e-4f;

    public FmaPeak() {
        if (S.length() != 16) {
            throw new IllegalStateException("FmaPeak counts 16 lanes per vector; this JVM's preferred species has " + S.length());
        }
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public float fmas() {
        FloatVector mv = FloatVector.broadcast(S, m), cv = FloatVector.broadcast(S, c);
        FloatVector a0 = cv, a1 = cv.add(1), a2 = cv.add(2), a3 = cv.add(3), a4 = cv.add(4), a5 = cv.add(5);
        FloatVector a6 = cv.add(6), a7 = cv.add(7), a8 = cv.add(8), a9 = cv.add(9), a10 = cv.add(10), a11 = cv.add(11);
        int i = 0;
        // A do-while, as in the kernels: C2 keeps vector locals of do-while loops in registers.
        do {
            a0 = a0.fma(mv, cv);
            a1 = a1.fma(mv, cv);
            a2 = a2.fma(mv, cv);
            a3 = a3.fma(mv, cv);
            a4 = a4.fma(mv, cv);
            a5 = a5.fma(mv, cv);
            a6 = a6.fma(mv, cv);
            a7 = a7.fma(mv, cv);
            a8 = a8.fma(mv, cv);
            a9 = a9.fma(mv, cv);
            a10 = a10.fma(mv, cv);
            a11 = a11.fma(mv, cv);
        } while (++i < STEPS);
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
