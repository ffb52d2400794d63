package io.opsgi.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shipped examples (examples/ at the top of the repository; surefire passes its path as {@code opsgi.examples}). */
final class Examples {
    private Examples() {
    }

    static Path root() {
        String dir = System.getProperty("opsgi.examples");
        assertTrue(dir != null, "system property opsgi.examples (the examples directory) is not set; surefire sets it");
        return Path.of(dir);
    }

    /** Every example folder (one holding a model.json), sorted. */
    static List<Path> all() throws IOException {
        try (Stream<Path> s = Files.list(root())) {
            List<Path> found = s.filter(p -> Files.isRegularFile(p.resolve("model.json"))).sorted().toList();
            assertTrue(found.size() >= 7, "expected the seven shipped examples in " + root() + ", found " + found);
            return found;
        }
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }
}
