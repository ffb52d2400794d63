package io.opsgi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON records what it takes to reproduce the run: seeds, the vectors' torch version, filters, every case, the properties. */
class VerifyJsonTest {
    @TempDir
    Path dir;

    @Test
    void provenanceCasesFailuresAndProperties() throws Exception {
        JsonNode json = new ObjectMapper().readTree(VerifyJson.of(Fixtures.run(dir, Map.of("op", "relu", "vectors", "v"))));
        assertFalse(json.get("passed").asBoolean());
        assertEquals("1.13.0a0", json.get("torch_version").asText());
        assertEquals(1913, json.get("vector_seed").asLong());
        assertEquals(42, json.get("property_seed").asLong());
        assertEquals("relu", json.get("filters").get("op").asText());
        assertEquals(4, json.get("cases").size());
        assertEquals("PASSED", json.get("cases").get(0).get("status").asText());
        assertEquals(3, json.get("failures").size());
        assertEquals("./opsgi verify --vectors v --op relu --variant mathmax --case relu_zeros --cases", json.get("failures").get(0).get("repro").asText());
        assertEquals("relu_zeros", json.get("failures").get(0).get("result").get("caseName").asText());
        assertEquals(2, json.get("properties").get("results").size());
        assertEquals("FAILED", json.get("properties").get("results").get(1).get("status").asText());
    }
}
