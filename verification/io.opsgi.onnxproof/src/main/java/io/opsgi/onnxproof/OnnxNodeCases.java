package io.opsgi.onnxproof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * onnx's backend node cases as {@code reference-vectors/onnx/generate.py} writes them (FORMAT.md,
 * "ONNX node cases"): per ONNX op a folder with cases.json, each case's model bytes and, for the
 * float32 cases, its input and expected outputs as NPY files.
 */
public final class OnnxNodeCases {
    /**
     * One case. {@code inputs} and {@code expected} are empty for a case kept for its refusal:
     * {@code notFloat32} names its other element types, or {@code dataOmitted} says why its data is not committed.
     */
    public record Case(String onnxOp, String name, String onnxName, int opset, Path model, Map<String, Path> inputs, Map<String, Path> expected,
            List<String> notFloat32, String dataOmitted, List<String> rewritten, JsonNode attrs) {
        /** Whether the case has data to replay; otherwise the importer must refuse it. */
        public boolean replayable() {
            return !expected.isEmpty();
        }

        @Override
        public String toString() {
            return onnxOp + "/" + name;
        }
    }

    private OnnxNodeCases() {
    }

    /** Every case under {@code root} (manifest.json lists the op folders), in manifest and file order. */
    public static List<Case> load(Path root) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(root.resolve("manifest.json").toFile());
        List<Case> all = new ArrayList<>();
        for (JsonNode op : manifest.get("ops")) {
            Path folder = root.resolve(op.asText());
            JsonNode doc = json.readTree(folder.resolve("cases.json").toFile());
            for (JsonNode c : doc.get("cases")) {
                all.add(new Case(c.get("onnx_op").asText(), c.get("name").asText(), c.get("onnx_name").asText(), c.get("opset").asInt(),
                        existing(folder.resolve(c.get("model").asText())), files(folder, c.get("inputs")), files(folder, c.get("expected")),
                        strings(c.get("not_float32")), c.hasNonNull("data_omitted") ? c.get("data_omitted").asText() : null,
                        strings(c.get("rewritten")), c.get("attrs")));
            }
        }
        return all;
    }

    private static Map<String, Path> files(Path folder, JsonNode map) {
        Map<String, Path> m = new LinkedHashMap<>();
        if (map != null) {
            map.fields().forEachRemaining(e -> m.put(e.getKey(), existing(folder.resolve(e.getValue().asText()))));
        }
        return m;
    }

    private static List<String> strings(JsonNode list) {
        List<String> l = new ArrayList<>();
        if (list != null) {
            list.forEach(n -> l.add(n.asText()));
        }
        return l;
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new UncheckedIOException(new IOException("missing " + p + ": regenerate with /usr/bin/python3 reference-vectors/onnx/generate.py"));
        }
        return p;
    }
}
