package io.opsgi.conformance;

import io.opsgi.op.Operators;
import io.opsgi.op.Tolerance;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A directory of reference vectors (see {@code reference-vectors/FORMAT.md}): the manifest and
 * every case of every op it lists. Loading checks everything a replay will rely on, and reads
 * every tensor once, so that a broken directory fails here, naming the file, instead of passing
 * or crashing later.
 */
public final class ReferenceVectors {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]+");
    private static final Pattern OUTPUT_OR_RULE = Pattern.compile("[a-z0-9_]+");

    private final Path root;
    private final VectorManifest manifest;
    private final List<VectorCase> cases;

    private ReferenceVectors(Path root, VectorManifest manifest, List<VectorCase> cases) {
        this.root = root;
        this.manifest = manifest;
        this.cases = List.copyOf(cases);
    }

    /**
     * Loads {@code dir/manifest.json} and each {@code dir/<op>/cases.json} it lists.
     *
     * @throws VectorFormatException naming the file, for: a missing manifest, cases.json or tensor
     *         file; malformed JSON or a field of the wrong type; an unsupported format_version; an op
     *         unknown to {@link Operators}; an op folder missing from the manifest; a duplicate case
     *         name; a case with both or neither of expected/error; an unknown input name; a file
     *         path leaving its op folder; a tensor of the wrong dtype, truncated, longer than its
     *         shape, or with absurd dimensions
     */
    public static ReferenceVectors load(Path dir) throws VectorFormatException {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new VectorFormatException(root, "not a directory");
        }
        Path manifestFile = root.resolve("manifest.json");
        VectorManifest manifest = manifest(manifestFile, VectorJson.read(manifestFile, VectorJson.ManifestFile.class));
        checkNoUnlistedFolders(root, manifest);
        List<VectorCase> all = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (String op : manifest.ops()) {
            Path folder = root.resolve(op);
            Path casesFile = folder.resolve("cases.json");
            VectorJson.CasesFile doc = VectorJson.read(casesFile, VectorJson.CasesFile.class);
            if (!op.equals(doc.op())) {
                throw new VectorFormatException(casesFile, "\"op\" is " + quote(doc.op()) + " but the folder is " + op);
            }
            if (doc.cases() == null || doc.cases().isEmpty()) {
                throw new VectorFormatException(casesFile, "no cases");
            }
            for (int i = 0; i < doc.cases().size(); i++) {
                VectorCase c = toCase(root, folder, casesFile, op, i, doc.cases().get(i));
                Path earlier = seen.putIfAbsent(c.name(), casesFile);
                if (earlier != null) {
                    throw new VectorFormatException(casesFile, "duplicate case name '" + c.name() + "' (also in " + earlier + ")");
                }
                all.add(c);
            }
        }
        return new ReferenceVectors(root, manifest, all);
    }

    public Path root() {
        return root;
    }

    public VectorManifest manifest() {
        return manifest;
    }

    /** All cases, in manifest op order and file order. */
    public List<VectorCase> cases() {
        return cases;
    }

    public List<VectorCase> cases(String op) {
        return cases.stream().filter(c -> c.op().equals(op)).toList();
    }

    public List<String> ops() {
        return manifest.ops();
    }

    public Optional<VectorCase> find(String name) {
        return cases.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static VectorManifest manifest(Path file, VectorJson.ManifestFile m) throws VectorFormatException {
        if (m.formatVersion() == null || m.formatVersion() != VectorManifest.FORMAT_VERSION) {
            throw new VectorFormatException(file, "format_version must be " + VectorManifest.FORMAT_VERSION + ", got " + m.formatVersion());
        }
        if (m.ops() == null || m.ops().isEmpty()) {
            throw new VectorFormatException(file, "\"ops\" must list at least one op folder");
        }
        Set<String> unique = new HashSet<>();
        for (String op : m.ops()) {
            if (op == null || !Operators.exists(op)) {
                throw new VectorFormatException(file, "unknown op " + quote(op) + "; known ops: "
                        + String.join(", ", Operators.all().stream().map(o -> o.name()).toList()));
            }
            if (!unique.add(op)) {
                throw new VectorFormatException(file, "op '" + op + "' is listed twice");
            }
        }
        return new VectorManifest(m.formatVersion(), m.generatedBy(), m.torchVersion(), m.seed() == null ? 0 : m.seed(), m.ops());
    }

    /** A folder holding a cases.json that the manifest does not list would be skipped silently: refuse it. */
    private static void checkNoUnlistedFolders(Path root, VectorManifest manifest) throws VectorFormatException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                Path cases = d.resolve("cases.json");
                if (Files.exists(cases) && !manifest.ops().contains(d.getFileName().toString())) {
                    throw new VectorFormatException(cases, "op folder '" + d.getFileName() + "' is not listed in manifest.json");
                }
            }
        } catch (IOException e) {
            if (e instanceof VectorFormatException v) {
                throw v;
            }
            throw new VectorFormatException(root, "cannot list: " + e, e);
        }
    }

    private static VectorCase toCase(Path root, Path folder, Path file, String op, int index, VectorJson.CaseEntry c)
            throws VectorFormatException {
        if (c == null) {
            throw new VectorFormatException(file, "case #" + index + " is null");
        }
        if (c.name() == null || !NAME.matcher(c.name()).matches()) {
            throw new VectorFormatException(file, "case #" + index + ": name must match [a-z0-9_]+, got " + quote(c.name()));
        }
        String where = "case '" + c.name() + "'";
        if (c.attrs() == null) {
            throw new VectorFormatException(file, where + ": \"attrs\" is missing");
        }
        if (c.inputs() == null) {
            throw new VectorFormatException(file, where + ": \"inputs\" is missing");
        }
        if ((c.expected() == null) == (c.error() == null)) {
            throw new VectorFormatException(file, where + ": exactly one of \"expected\" and \"error\" must be present");
        }
        List<String> known = Operators.get(op).inputs();
        Map<String, Path> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : c.inputs().entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new VectorFormatException(file, where + ": unknown input '" + e.getKey() + "' for " + op + " (inputs: " + known + ")");
            }
            if (e.getValue() != null) {
                Path p = VectorFiles.inside(root, folder, e.getValue(), file, where + " input '" + e.getKey() + "'");
                VectorFiles.readFloat(p);
                inputs.put(e.getKey(), p);
            }
        }
        Map<String, Path> expected = null;
        if (c.expected() != null) {
            if (c.expected().isEmpty()) {
                throw new VectorFormatException(file, where + ": \"expected\" names no output");
            }
            expected = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : c.expected().entrySet()) {
                if (!OUTPUT_OR_RULE.matcher(e.getKey()).matches() || e.getValue() == null) {
                    throw new VectorFormatException(file, where + ": bad expected output '" + e.getKey() + "': " + e.getValue());
                }
                Path p = VectorFiles.inside(root, folder, e.getValue(), file, where + " output '" + e.getKey() + "'");
                VectorFiles.readOutput(e.getKey(), p);
                expected.put(e.getKey(), p);
            }
        }
        ExpectedError error = null;
        if (c.error() != null) {
            if (c.error().rule() == null || !OUTPUT_OR_RULE.matcher(c.error().rule()).matches()) {
                throw new VectorFormatException(file, where + ": error rule must be a docs/RULES.md id, got " + quote(c.error().rule()));
            }
            error = new ExpectedError(c.error().rule(), c.error().torchMessage() == null ? "" : c.error().torchMessage());
        }
        Tolerance tolerance = null;
        if (c.tolerance() != null) {
            Double rtol = c.tolerance().rtol(), atol = c.tolerance().atol();
            if (rtol == null || atol == null || !(rtol >= 0) || !(atol >= 0) || rtol.isInfinite() || atol.isInfinite()) {
                throw new VectorFormatException(file, where + ": tolerance needs finite non-negative rtol and atol, got " + c.tolerance());
            }
            tolerance = Tolerance.close(rtol, atol, c.toleranceReason() == null ? "this case's own tolerance" : c.toleranceReason());
        }
        List<String> tags = c.tags() == null ? List.of() : c.tags();
        if (tags.stream().anyMatch(java.util.Objects::isNull)) {
            throw new VectorFormatException(file, where + ": a tag is null");
        }
        return new VectorCase(c.name(), op, plain(c.attrs()), inputs, expected, error, tolerance, tags);
    }

    /** Attributes as immutable plain Java values; lists may hold nulls (output_size), so not List.copyOf. */
    @SuppressWarnings("unchecked")
    private static <T> T plain(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, plain(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(plain(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
