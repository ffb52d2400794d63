package io.opsgi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * workloads.json's output checks: the float64-reference sum and sum|.| of each workload's output,
 * which an output must match within 1e-3 of sum|.|. Written by peers/torch_peer.py from PyTorch in
 * float64 on its own data_init tensors, so a match also proves the Java and Python tensors agree.
 */
final class Checks {
    static final double RELATIVE = 1e-3;

    private final Map<String, double[]> sums = new HashMap<>();

    static Checks none() {
        return new Checks();
    }

    static Checks load(Path... files) {
        Checks c = new Checks();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                JsonNode root = new ObjectMapper().readTree(f.toFile()).path("checks");
                root.fields().forEachRemaining(e -> c.sums.put(e.getKey(),
                        new double[] {e.getValue().path("sum").asDouble(), e.getValue().path("sum_abs").asDouble()}));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read checks " + f + ": " + e.getMessage(), e);
            }
        }
        return c;
    }

    boolean has(String workload) {
        return sums.containsKey(workload);
    }

    /** Null if {@code y} passes the workload's check (or there is none), else what is wrong. */
    String problem(String workload, float[] y) {
        double[] want = sums.get(workload);
        if (want == null) {
            return null;
        }
        double sum = 0, abs = 0;
        for (float v : y) {
            sum += v;
            abs += Math.abs(v);
        }
        double allowed = RELATIVE * want[1];
        if (Math.abs(sum - want[0]) <= allowed && Math.abs(abs - want[1]) <= allowed) {
            return null;
        }
        return String.format(Locale.ROOT, "output sum %.6g, sum|.| %.6g; float64 check %.6g, %.6g (allowed %.3g)", sum, abs, want[0], want[1], allowed);
    }
}
