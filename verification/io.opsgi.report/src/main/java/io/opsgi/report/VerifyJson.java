package io.opsgi.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.opsgi.conformance.CaseResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** A verify run as pretty-printed JSON: provenance first, then per-kernel rows, failures, every case, the properties. */
public final class VerifyJson {
    private VerifyJson() {
    }

    public static String of(VerifyRun run) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("passed", run.allPassed());
        doc.put("vectors", run.vectors());
        doc.put("torch_version", run.manifest().torchVersion());
        doc.put("vector_seed", run.manifest().seed());
        doc.put("property_seed", run.properties() == null ? null : run.properties().seed());
        doc.put("filters", run.filters());
        doc.put("rows", run.conformance().rows());
        doc.put("failures", run.conformance().failures().stream().map(r -> withRepro(run, r)).toList());
        doc.put("cases", run.conformance().results());
        if (run.properties() != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("seed", run.properties().seed());
            p.put("passed", run.properties().allPassed());
            p.put("results", run.properties().results());
            doc.put("properties", p);
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("verify report: cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> withRepro(VerifyRun run, CaseResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repro", run.repro(r));
        m.put("result", r);
        return m;
    }
}
