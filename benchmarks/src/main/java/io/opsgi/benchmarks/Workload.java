package io.opsgi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsgi.tensor.Shape;
import java.util.Set;

/** One entry of workloads.json: an op, its shapes and attributes, and its FLOP count (the file's convention). */
record Workload(String id, String op, JsonNode json) {
    /** Ops whose speed is bounded by memory traffic: the table sets their GB/s against the copy bandwidth ({@link CopyBench}). */
    static final Set<String> MEMORY_BOUND = Set.of("max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "global_avg_pool2d", "batch_norm", "relu",
            "relu6", "leaky_relu", "hardtanh", "hardswish", "hardsigmoid", "softsign");

    static Workload of(JsonNode n) {
        return new Workload(n.get("id").asText(), n.get("op").asText(), n);
    }

    int integer(String field) {
        JsonNode v = json.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("workload " + id + ": integer field '" + field + "' is missing");
        }
        return v.asInt();
    }

    int integer(String field, int absent) {
        return json.has(field) ? integer(field) : absent;
    }

    double number(String field) {
        JsonNode v = json.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("workload " + id + ": number field '" + field + "' is missing");
        }
        return v.asDouble();
    }

    boolean flag(String field) {
        return json.path(field).asBoolean(false);
    }

    Shape shape(String field) {
        JsonNode v = json.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("workload " + id + ": shape '" + field + "' is missing");
        }
        int[] dims = new int[v.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = v.get(i).asInt();
        }
        return Shape.of(dims);
    }

    long flops() {
        return json.path("flops").asLong(0);
    }

    /** Bytes read and written per call (workloads.json's {@code bytes}), 0 when not given. */
    long bytes() {
        return json.path("bytes").asLong(0);
    }

    boolean memoryBound() {
        return MEMORY_BOUND.contains(op);
    }

    /** The batch-1 workload this one repeats at batch 8 ({@code x_b8} -> {@code x}), or null. */
    String batchOneTwin() {
        return id.endsWith("_b8") ? id.substring(0, id.length() - 3) : null;
    }
}
