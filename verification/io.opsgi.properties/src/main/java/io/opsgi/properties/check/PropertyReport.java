package io.opsgi.properties.check;

import io.opsgi.text.TextTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of one run of the property suite, with the seed that reproduces it. */
public final class PropertyReport {
    private final List<PropertyResult> results;
    private final Map<String, String> kernels;
    private final long seed;
    private final long millis;

    /** @param kernels per property class, the kernels it checked (e.g. {@code conv2d/direct, conv2d/blocked}) */
    public PropertyReport(List<PropertyResult> results, Map<String, String> kernels, long seed, long millis) {
        this.results = List.copyOf(results);
        this.kernels = new LinkedHashMap<>(kernels);
        this.seed = seed;
        this.millis = millis;
    }

    public List<PropertyResult> results() {
        return results;
    }

    public List<PropertyResult> failures() {
        return results.stream().filter(PropertyResult::failed).toList();
    }

    public boolean allPassed() {
        return failures().isEmpty();
    }

    /** Every property of the run used this seed: pass it again ({@code --seed}) to replay the run. */
    public long seed() {
        return seed;
    }

    /** One row per property class: the kernels it checked and how many properties passed, failed or did not apply. */
    public String toTable() {
        Map<String, int[]> counts = new LinkedHashMap<>();
        kernels.keySet().forEach(c -> counts.put(c, new int[4]));
        for (PropertyResult r : results) {
            int[] n = counts.computeIfAbsent(r.container(), c -> new int[4]);
            n[r.status().ordinal()]++;
            n[3] += r.checks();
        }
        TextTable t = TextTable.withHeader("properties", "kernels", "passed", "failed", "n/a", "checks");
        int[] total = new int[4];
        counts.forEach((c, n) -> {
            t.row(c, kernels.getOrDefault(c, ""), n[0], n[1], n[2], n[3]);
            for (int i = 0; i < 4; i++) {
                total[i] += n[i];
            }
        });
        t.rule().row("total", "", total[0], total[1], total[2], total[3]);
        return t.toText() + String.format("seed %d, %.1f s (replay: --seed %d)%n", seed, millis / 1000.0, seed);
    }
}
