package io.opsgi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** ../shared/perf/workloads.json, read at run time: the workloads in file order and their data_init. */
record Workloads(Map<String, Workload> byId, DataInit dataInit) {

    static Workloads load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read workloads " + file + ": " + e.getMessage(), e);
        }
        if (!"float32".equals(root.path("dtype").asText()) || !"NCHW".equals(root.path("layout").asText())) {
            throw new IllegalArgumentException(file + ": only float32 NCHW workloads are supported");
        }
        Map<String, Workload> m = new LinkedHashMap<>();
        for (JsonNode n : root.path("workloads")) {
            Workload w = Workload.of(n);
            if (m.put(w.id(), w) != null) {
                throw new IllegalArgumentException(file + ": duplicate workload id " + w.id());
            }
        }
        return new Workloads(m, DataInit.of(root.path("data_init")));
    }

    Workload get(String id) {
        Workload w = byId.get(id);
        if (w == null) {
            throw new IllegalArgumentException("no workload '" + id + "'");
        }
        return w;
    }

    /** Workloads whose id contains a match of {@code filter}, in file order. */
    List<Workload> matching(Pattern filter) {
        List<Workload> out = new ArrayList<>();
        for (Workload w : byId.values()) {
            if (filter.matcher(w.id()).find()) {
                out.add(w);
            }
        }
        return out;
    }
}
