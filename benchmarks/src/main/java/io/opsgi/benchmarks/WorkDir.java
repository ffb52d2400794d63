package io.opsgi.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One run's files: ONNX models and float64 checks from the PyTorch script, the reference outputs the
 * JMH forks verify against, JMH and PyTorch results, the pre-check report. The forks find it, and
 * workloads.json, through two system properties.
 */
record WorkDir(Path root, Path workloads) {
    static final String DIR_PROPERTY = "opsgi.bench.work";
    static final String WORKLOADS_PROPERTY = "opsgi.bench.workloads";

    /** In a JMH fork: the run's directory, as the harness passed it. */
    static WorkDir fromSystemProperties() {
        String dir = System.getProperty(DIR_PROPERTY), wl = System.getProperty(WORKLOADS_PROPERTY);
        if (dir == null || wl == null) {
            throw new IllegalStateException("run through benchmarks/run (or Bench): -D" + DIR_PROPERTY + " and -D" + WORKLOADS_PROPERTY + " are not set");
        }
        return new WorkDir(Path.of(dir), Path.of(wl));
    }

    Path model(String workload) {
        return root.resolve("onnx").resolve(workload + ".onnx");
    }

    Path checks() {
        return root.resolve("onnx").resolve("checks.json");
    }

    Path jmh() {
        return root.resolve("jmh");
    }

    /** JMH results of {@link FmaPeak}, one file per thread count. */
    Path peak() {
        return root.resolve("peak");
    }

    Path torchResults() {
        return root.resolve("torch.json");
    }

    Path precheck() {
        return root.resolve("precheck.json");
    }

    Path runInfo() {
        return root.resolve("run.json");
    }

    Path reference(String workload) {
        return root.resolve("ref").resolve(workload + ".f32");
    }

    void writeReference(String workload, float[] y) {
        Path p = reference(workload);
        ByteBuffer b = ByteBuffer.allocate(y.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(y);
        try {
            Files.createDirectories(p.getParent());
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    float[] readReference(String workload) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(reference(workload))).order(ByteOrder.LITTLE_ENDIAN);
            float[] y = new float[b.remaining() / Float.BYTES];
            b.asFloatBuffer().get(y);
            return y;
        } catch (IOException e) {
            throw new UncheckedIOException("no reference output for " + workload + " (the harness writes it before timing): " + e, e);
        }
    }
}
