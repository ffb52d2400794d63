package io.opsgi.net;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opsgi.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link NetworkDescription} (examples/README.md):
 * <pre>
 * {"name": "tiny", "input": [1, 3, 32, 32], "weights": {"npy": "weights"} or {"seed": 7}, "output": "fc" or "outputs": ["features", "fc"],
 *  "layers": [{"name": "conv1", "type": "conv2d", "in_channels": 3, "out_channels": 8, "kernel_size": 3, "padding": 1},
 *             {"name": "res", "type": "add", "inputs": ["conv2", "conv1"]}, ...]}
 * </pre>
 * Every key of a layer other than {@code name}, {@code type} and {@code inputs} is an attribute.
 * Strict: a duplicated key or an unknown top-level key is an error, so a typo cannot go unnoticed.
 */
public final class NetworkJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final Set<String> TOP_LEVEL = Set.of("name", "description", "input", "weights", "layers", "output", "outputs");

    private NetworkJson() {
    }

    /** A description is a page of JSON; anything this large is not one, and is refused before it is read. */
    static final long MAX_BYTES = 16L << 20;

    public static NetworkDescription read(Path file) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text(file));
        } catch (NoSuchFileException e) {
            throw new NetworkException("json", file + ": no such file", e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new NetworkException("json", file + (at != null ? ": line " + at.getLineNr() + ", column " + at.getColumnNr() : "") + ": "
                    + e.getOriginalMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(root, base, file.toString());
    }

    /** The file as UTF-8 text, decoded strictly: a size above {@link #MAX_BYTES} or a malformed byte is one line naming where. */
    private static String text(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new NetworkException("json", file + ": " + size + " bytes is not a network description (at most " + MAX_BYTES + " bytes)");
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new NetworkException("json", file + ": not UTF-8 text: malformed byte 0x"
                    + Integer.toHexString(bytes.get(bytes.position()) & 0xff) + " at offset " + bytes.position(), e);
        }
    }

    /** Parses a description from a JSON document; relative weight folders are resolved against {@code base}. */
    public static NetworkDescription parse(String json, Path base) {
        try {
            return parse(MAPPER.readTree(json), base, "description");
        } catch (JsonProcessingException e) {
            throw new NetworkException("json", "description: " + e.getOriginalMessage(), e);
        }
    }

    private static NetworkDescription parse(JsonNode root, Path base, String where) {
        if (root == null || !root.isObject()) {
            throw new NetworkException("json", where + ": expected a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP_LEVEL.contains(k)) {
                throw new NetworkException("json", where + ": unknown key '" + k + "'; known keys: " + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)));
            }
        }
        String name = text(root, "name", where);
        Shape input = shape(root.get("input"), where);
        WeightSource weights = weights(root.get("weights"), base, where);
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw new NetworkException("json", where + ": 'layers' must be a list of layer objects");
        }
        List<LayerSpec> specs = new ArrayList<>();
        int index = 0;
        for (JsonNode l : layers) {
            specs.add(layer(++index, l, where));
        }
        return new NetworkDescription(name, input, weights, specs, outputs(root, where));
    }

    /** {@code "output": "fc"} (one output) or {@code "outputs": ["features", "fc"]} (several, in order), not both; neither: the last layer. */
    private static List<String> outputs(JsonNode root, String where) {
        JsonNode out = root.get("output"), outs = root.get("outputs");
        if (out != null && !out.isNull() && outs != null && !outs.isNull()) {
            throw new NetworkException("json", where + ": give 'output' (one layer name) or 'outputs' (a list of them), not both");
        }
        if (out != null && !out.isNull()) {
            if (!out.isTextual()) {
                throw new NetworkException("json", where + ": 'output' must be a layer name");
            }
            return List.of(out.asText());
        }
        if (outs == null || outs.isNull()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (outs.isArray()) {
            for (JsonNode o : outs) {
                names.add(o.isTextual() ? o.asText() : null);
            }
        }
        if (!outs.isArray() || names.isEmpty() || names.contains(null)) {
            throw new NetworkException("json", where + ": 'outputs' must be a non-empty list of layer names (or 'input')");
        }
        return names;
    }

    private static String text(JsonNode root, String key, String where) {
        JsonNode v = root.get(key);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new NetworkException("json", where + ": '" + key + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static Shape shape(JsonNode v, String where) {
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new NetworkException("json", where + ": 'input' must be the input's shape, e.g. [1, 3, 224, 224]");
        }
        int[] dims = new int[v.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!v.get(i).canConvertToExactIntegral() || v.get(i).asLong() < 0 || v.get(i).asLong() > Integer.MAX_VALUE) {
                throw new NetworkException("json", where + ": 'input' must hold non-negative ints, got " + v);
            }
            dims[i] = v.get(i).asInt();
        }
        try {
            return Shape.of(dims);
        } catch (IllegalArgumentException e) {
            throw new NetworkException("json", where + ": 'input' " + e.getMessage(), e);
        }
    }

    private static WeightSource weights(JsonNode v, Path base, String where) {
        if (v != null && v.isObject() && v.size() == 1 && v.has("npy") && v.get("npy").isTextual()) {
            Path dir = Path.of(v.get("npy").asText());
            return new WeightSource.NpyFiles(base == null || dir.isAbsolute() ? dir : base.resolve(dir).normalize());
        }
        if (v != null && v.isObject() && v.size() == 1 && v.has("seed") && v.get("seed").canConvertToExactIntegral()) {
            return new WeightSource.Seeded(v.get("seed").asLong());
        }
        throw new NetworkException("json", where + ": 'weights' must be {\"npy\": \"<folder>\"} or {\"seed\": <int>}, got " + v);
    }

    private static LayerSpec layer(int index, JsonNode l, String where) {
        if (!l.isObject()) {
            throw new NetworkException(index, null, null, "json", "a layer must be a JSON object, got " + l, null);
        }
        JsonNode n = l.get("name"), t = l.get("type");
        String name = n != null && n.isTextual() ? n.asText() : null;
        String type = t != null && t.isTextual() ? t.asText() : null;
        if (name == null || name.isEmpty() || type == null || type.isEmpty()) {
            throw new NetworkException(index, name, type, "json", "every layer needs a non-empty 'name' and 'type'", null);
        }
        List<String> inputs = null;
        JsonNode in = l.get("inputs");
        if (in != null && !in.isNull()) {
            if (!in.isArray()) {
                throw new NetworkException(index, name, type, "json", "'inputs' must be a list of layer names, got " + in, null);
            }
            inputs = new ArrayList<>();
            for (JsonNode i : in) {
                if (!i.isTextual()) {
                    throw new NetworkException(index, name, type, "json", "'inputs' must be a list of layer names, got " + in, null);
                }
                inputs.add(i.asText());
            }
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("name") && !e.getKey().equals("type") && !e.getKey().equals("inputs")) {
                attrs.put(e.getKey(), value(e.getValue()));
            }
        }
        return new LayerSpec(name, type, inputs, attrs);
    }

    /** JSON to the Java values the contracts read: Integer/Long, Double, Boolean, String, null, List. */
    private static Object value(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToInt() ? (Object) v.asInt() : (Object) v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(e -> l.add(value(e)));
            return l;
        }
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            v.fields().forEachRemaining(e -> m.put(e.getKey(), value(e.getValue())));
            return m;
        }
        return v.asText();
    }

    /** The JSON text of {@code d}; an NPY weight folder is written relative to {@code base} when it lies below it. */
    public static String write(NetworkDescription d, Path base) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("name", d.name());
        ArrayNode input = root.putArray("input");
        for (int dim : d.inputShape().toArray()) {
            input.add(dim);
        }
        ObjectNode w = root.putObject("weights");
        if (d.weights() instanceof WeightSource.NpyFiles f) {
            Path dir = f.dir();
            if (base != null && dir.isAbsolute() && dir.startsWith(base.toAbsolutePath())) {
                dir = base.toAbsolutePath().relativize(dir);
            }
            w.put("npy", dir.toString());
        } else if (d.weights() instanceof WeightSource.Seeded s) {
            w.put("seed", s.seed());
        } else {
            // JSON names weight files or a seed; in-memory tensors have to be written out first
            throw new IllegalArgumentException("a description with in-memory weights cannot be written as JSON; write its weights as NPY files first");
        }
        if (d.outputs().size() == 1) {
            root.put("output", d.output());
        } else if (d.outputs().size() > 1) {
            d.outputs().forEach(root.putArray("outputs")::add);
        }
        ArrayNode layers = root.putArray("layers");
        for (LayerSpec l : d.layers()) {
            ObjectNode o = layers.addObject();
            o.put("name", l.name());
            o.put("type", l.type());
            if (l.inputs() != null) {
                ArrayNode in = o.putArray("inputs");
                l.inputs().forEach(in::add);
            }
            l.attrs().forEach((k, v) -> o.set(k, MAPPER.valueToTree(v)));
        }
        try {
            return MAPPER.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
