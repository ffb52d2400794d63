package io.opsgi.benchmarks;

import io.opsgi.kernel.support.Parallel;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * This machine's memory copy bandwidth, the ceiling of a memory-bound op, timed in the same run as
 * the kernels ({@link Bench} runs it next to them, {@link Table} sets each memory-bound op's GB/s
 * against it). One float array copied into another, split into one contiguous part per intra-op
 * thread on {@link Parallel}'s pool (the hand-off a kernel pays too), by {@code System.arraycopy} and
 * by a Vector API loop. GB/s = bytes read + bytes written per call / time, the convention of
 * workloads.json's {@code bytes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CopyBench {
    /** Bytes of one array: 3,211,264 is a 64x112x112 float tensor (the relu and batch-norm workloads), in the L3 cache; 128 MB is far beyond it. */
    static final String WORKLOAD_SIZE = "3211264";
    static final String BEYOND_CACHES = "134217728";

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Param({WORKLOAD_SIZE, BEYOND_CACHES})
    public int bytes;

    @Param("1")
    public int threads;

    private float[] src;
    private float[] dst;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        src = new float[bytes / Float.BYTES];
        dst = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
    }

    @Benchmark
    public float[] arraycopy() {
        int n = src.length, parts = threads;
        Parallel.forEach(parts, p -> {
            int from = part(n, parts, p), to = part(n, parts, p + 1);
            System.arraycopy(src, from, dst, from, to - from);
        });
        return dst;
    }

    @Benchmark
    public float[] vector() {
        int n = src.length, parts = threads;
        Parallel.forEach(parts, p -> {
            int from = part(n, parts, p), to = part(n, parts, p + 1);
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
                FloatVector.fromArray(F, src, i).intoArray(dst, i);
            }
            for (; i < to; i++) {
                dst[i] = src[i];
            }
        });
        return dst;
    }

    /** Where part p of n elements split into {@code parts} begins, on a 64-byte boundary of the array's data. */
    private static int part(int n, int parts, int p) {
        return p == parts ? n : (int) ((long) n * p / parts) & ~15;
    }
}
