package io.opsgi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * workloads.json's deterministic tensors, identical in every harness:
 * {@code fill(n, seed, scale)[i] = float32(((h(i, seed) / 2^32) - 0.5) * scale + offset)} computed in
 * float64, {@code h(i, seed) = (i * 2654435761 + seed * 40503 + 12345) mod 2^32}, i the flat NCHW/OIHW
 * index. The offset (running_var, bn weight) is added in float64 before the one rounding to float32.
 * peers/torch_peer.py's {@code fill} is the Python twin; the float64 checks it writes prove both agree.
 */
record DataInit(JsonNode spec) {
    static final String WEIGHT_SCALE = "2/sqrt(weight_shape[1]*kh*kw)";

    static DataInit of(JsonNode spec) {
        if (!WEIGHT_SCALE.equals(spec.path("weight").path("scale").asText())) {
            throw new IllegalArgumentException("workloads.json data_init.weight.scale is '" + spec.path("weight").path("scale").asText()
                    + "', this harness implements '" + WEIGHT_SCALE + "': update DataInit and torch_peer.py together");
        }
        return new DataInit(spec);
    }

    static float[] fill(int n, long seed, double scale, double offset) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            long h = (i * 2654435761L + seed * 40503L + 12345L) & 0xFFFF_FFFFL; // no overflow: i < 2^31
            out[i] = (float) (((h / 4294967296.0) - 0.5) * scale + offset);
        }
        return out;
    }

    /** The tensor named {@code name} in data_init (input, bias, bn_running_mean, ...) with its own numeric scale. */
    float[] tensor(String name, int n) {
        JsonNode t = spec.get(name);
        if (t == null || !t.path("scale").isNumber()) {
            throw new IllegalArgumentException("workloads.json data_init has no numeric '" + name + "'");
        }
        return fill(n, t.path("seed").asLong(), t.path("scale").asDouble(), t.path("offset").asDouble(0));
    }

    /** A conv weight of shape (a, b, kh, kw): scale 2/sqrt(b*kh*kw). */
    float[] weight(int[] shape) {
        int n = shape[0] * shape[1] * shape[2] * shape[3];
        return fill(n, spec.path("weight").path("seed").asLong(), 2.0 / Math.sqrt((double) shape[1] * shape[2] * shape[3]), 0);
    }
}
