package io.opsgi.report;

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
 * @param filters    the filters the run was given, e.g. {@code op=conv2d}; empty for a full run
 * @param properties the property suite's results, or null if it did not run
 */
public record VerifyRun(String vectors, VectorManifest manifest, Map<String, String> filters, ConformanceReport conformance,
        PropertyReport properties) {
    public VerifyRun {
        Objects.requireNonNull(conformance);
        filters = new LinkedHashMap<>(filters);
    }

    public boolean allPassed() {
        return conformance.allPassed() && (properties == null || properties.allPassed());
    }
}
