package io.opsgi.conformance;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The JSON files of a vector directory as Jackson binds them, before any check of their meaning. */
final class VectorJson {
    /**
     * Strict: a duplicated key, a trailing token, a string where a number belongs or (in cases) an
     * unknown field is an error, so that a typo such as {@code "tolerence"} cannot silently drop a check.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private VectorJson() {
    }

    /** manifest.json. Unknown fields are allowed here: they are informational and FORMAT.md may add some. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ManifestFile(@JsonProperty("format_version") Integer formatVersion, @JsonProperty("generated_by") String generatedBy,
            @JsonProperty("torch_version") String torchVersion, Long seed, List<String> ops) {
    }

    /** {@code <op>/cases.json}. */
    record CasesFile(String op, List<CaseEntry> cases) {
    }

    record CaseEntry(String name, Map<String, Object> attrs, Map<String, String> inputs, Map<String, String> expected, ErrorEntry error,
            ToleranceEntry tolerance, @JsonProperty("tolerance_reason") String toleranceReason, List<String> tags) {
    }

    record ErrorEntry(String rule, @JsonProperty("torch_message") String torchMessage) {
    }

    record ToleranceEntry(Double rtol, Double atol) {
    }

    static <T> T read(Path file, Class<T> type) throws VectorFormatException {
        if (!Files.isRegularFile(file)) {
            throw new VectorFormatException(file, "missing file");
        }
        try {
            T value = MAPPER.readValue(file.toFile(), type);
            if (value == null) {
                throw new VectorFormatException(file, "malformed JSON: the document is null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new VectorFormatException(file, "malformed JSON: " + describe(e), e);
        } catch (IOException e) {
            throw new VectorFormatException(file, "cannot read: " + e, e);
        }
    }

    private static String describe(JsonProcessingException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getOriginalMessage()));
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            sb.append(" at ").append(m.getPathReference().replaceAll("io\\.opsgi\\.conformance\\.VectorJson\\$", ""));
        }
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            sb.append(" (line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr()).append(')');
        }
        return sb.toString();
    }
}
