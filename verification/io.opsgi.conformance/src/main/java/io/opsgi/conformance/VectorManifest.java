package io.opsgi.conformance;

import java.util.List;

/** {@code manifest.json}: the op folders in their fixed order, and how the vectors were made. */
public record VectorManifest(int formatVersion, String generatedBy, String torchVersion, long seed, List<String> ops) {
    /** The only {@code format_version} this reader understands (FORMAT.md). */
    public static final int FORMAT_VERSION = 1;

    public VectorManifest {
        ops = List.copyOf(ops);
    }
}
