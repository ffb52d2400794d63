package io.opsgi.report;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.ConformanceReport;
import io.opsgi.conformance.VectorManifest;
import io.opsgi.properties.check.PropertyReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one {@code ./opsgi verify} found, with what it takes to reproduce it: the vectors (where
 * from, which torch made them, their seed), the filters, the case results, and the property results
 * with their seed.
 *
 * @param vectors    the vector directory
 * @param manifest   the vectors' manifest (torch version, generator seed)
 * @param filters    the options that chose what ran, by name without dashes, e.g. {@code op=conv2d}, {@code bundle=k.jar},
 *                   {@code vectors=DIR} (given only if not the default); empty for a full run
 * @param properties the property suite's results, or null if it did not run
 */
public record VerifyRun(String vectors, VectorManifest manifest, Map<String, String> filters, ConformanceReport conformance,
        PropertyReport properties) {
    public VerifyRun {
        Objects.requireNonNull(conformance);
        filters = new LinkedHashMap<>(filters);
    }

    /**
     * The command that replays just this case on just this kernel, with the jar and vectors of this
     * run, e.g. {@code ./opsgi verify --bundle k.jar --op relu6 --variant mine --case relu6_basic --cases}.
     */
    public String repro(CaseResult r) {
        StringBuilder sb = new StringBuilder("./opsgi verify");
        for (String given : new String[] {"bundle", "vectors"}) {
            if (filters.containsKey(given)) {
                sb.append(" --").append(given).append(' ').append(filters.get(given));
            }
        }
        return sb.append(" --op ").append(r.op()).append(" --variant ").append(r.variant()).append(" --case ").append(r.caseName()).append(" --cases")
                .toString();
    }

    public boolean allPassed() {
        return conformance.allPassed() && (properties == null || properties.allPassed());
    }
}
