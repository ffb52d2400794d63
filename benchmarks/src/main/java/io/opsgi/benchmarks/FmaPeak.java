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
 * ({@link Bench}): 12 independent chains of {@code a = m·c + a} on the Vector API's preferred species,
 * all in registers (12 + 2 fit AVX2's 16), nothing loaded or stored in the loop. Twelve chains cover the FMA latency
 * times the FMA units of current x86 cores (4 cycles x 2 units). Each chain runs through the addend, as the kernels'
 * accumulators do: chained through the multiplicand ({@code a = a·m + c}) it measured 78-79 GFLOP/s on an AVX2 EPYC
 * where this form ran 92-93. JMH throughput with one operation per flop of one lane ({@link #FLOPS_PER_LANE}), so
 * the score times {@link #lanes()} is flop/s: per thread with one thread, the sum over threads with several.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FmaPeak {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    static final int STEPS = 4096;
    /** Flops per call on one lane: 2 per FMA (an annotation needs a constant: the lanes are {@link #lanes()}). */
    static final int FLOPS_PER_LANE = 2 * CHAINS * STEPS;

    // Not constants: C2 must not fold the chains.
    public float m = 0.9999f;
    public float c = 1e-4f;

    /** Lanes of the preferred species, by which the score is multiplied (the same machine runs the benchmark and reads it). */
    static int lanes() {
        return S.length();
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS_PER_LANE)
    public float fmas() {
        FloatVector mv = FloatVector.broadcast(S, m), cv = FloatVector.broadcast(S, c);
        FloatVector a0 = cv, a1 = cv.add(1), a2 = cv.add(2), a3 = cv.add(3), a4 = cv.add(4), a5 = cv.add(5);
        FloatVector a6 = cv.add(6), a7 = cv.add(7), a8 = cv.add(8), a9 = cv.add(9), a10 = cv.add(10), a11 = cv.add(11);
        int i = 0;
        // A do-while, as in the kernels: C2 keeps vector locals of do-while loops in registers.
        do {
            a0 = mv.fma(cv, a0);
            a1 = mv.fma(cv, a1);
            a2 = mv.fma(cv, a2);
            a3 = mv.fma(cv, a3);
            a4 = mv.fma(cv, a4);
            a5 = mv.fma(cv, a5);
            a6 = mv.fma(cv, a6);
            a7 = mv.fma(cv, a7);
            a8 = mv.fma(cv, a8);
            a9 = mv.fma(cv, a9);
            a10 = mv.fma(cv, a10);
            a11 = mv.fma(cv, a11);
        } while (++i < STEPS);
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
