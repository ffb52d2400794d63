package io.opsgi.conformance;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A reference-vector directory that cannot be trusted: a missing or malformed file, an unknown op,
 * a tensor of the wrong dtype or size, a file path leaving the directory. The message starts with
 * the offending file and says what is wrong with it.
 */
public final class VectorFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public VectorFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public VectorFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault (for a bad reference inside {@code cases.json}, that {@code cases.json}). */
    public Path file() {
        return file;
    }
}
