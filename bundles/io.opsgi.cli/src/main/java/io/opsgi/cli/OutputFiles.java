package io.opsgi.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a command may write a file it was asked to write, checked before any work is done. */
final class OutputFiles {
    private OutputFiles() {
    }

    /** Null if {@code file} can be written, else why not, e.g. {@code out/y.npy: the folder out does not exist}. */
    static String problem(Path file) {
        if (Files.isDirectory(file)) {
            return file + " is a directory; give a file name";
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            return file + ": the folder " + parent + " does not exist";
        }
        if (parent != null && !Files.isWritable(parent)) {
            return file + ": the folder " + parent + " is not writable";
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            return file + " is not writable";
        }
        return null;
    }
}
