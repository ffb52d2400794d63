package io.opsgi.conformance;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolving and reading the {@code .npy} files of a vector directory, every failure as a {@link VectorFormatException}. */
final class VectorFiles {
    /** max_pool2d's and adaptive max pooling's int64 output; every other tensor is float32. */
    static final String INDICES = "indices";

    private VectorFiles() {
    }

    /**
     * {@code name} (from {@code referrer}) resolved in {@code folder}: refused if absolute, if it
     * leaves the folder (e.g. {@code ../}), or if a symbolic link takes it out of {@code root}.
     */
    static Path inside(Path root, Path folder, String name, Path referrer, String what) throws VectorFormatException {
        Path relative;
        try {
            relative = folder.getFileSystem().getPath(name);
        } catch (RuntimeException e) {
            throw new VectorFormatException(referrer, what + ": invalid file name '" + name + "'");
        }
        Path resolved = folder.resolve(relative).normalize();
        if (relative.isAbsolute() || !resolved.startsWith(folder.normalize()) || resolved.equals(folder.normalize())) {
            throw new VectorFormatException(referrer, what + ": file '" + name + "' is outside its op folder " + folder);
        }
        if (!Files.isRegularFile(resolved)) {
            throw new VectorFormatException(resolved, "missing file (" + what + " in " + referrer + ")");
        }
        boolean linkedInside;
        try {
            linkedInside = resolved.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            throw new VectorFormatException(resolved, "cannot resolve: " + e.getMessage(), e);
        }
        if (!linkedInside) {
            throw new VectorFormatException(referrer, what + ": file '" + name + "' links outside the vector directory " + root);
        }
        return resolved;
    }

    static Tensor readFloat(Path file) throws VectorFormatException {
        try {
            checkSize(file, 4);
            return Npy.readFloat(file);
        } catch (VectorFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw wrap(file, e);
        }
    }

    static IndexTensor readIndices(Path file) throws VectorFormatException {
        try {
            checkSize(file, 8);
            return Npy.readLong(file);
        } catch (VectorFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw wrap(file, e);
        }
    }

    /**
     * Refuses a file too short for the data its header declares before anything is allocated for
     * it, so that a hostile header cannot make the reader allocate gigabytes. (Npy then checks the
     * exact length.)
     */
    private static void checkSize(Path file, int width) throws IOException {
        Npy.Header h = Npy.readHeader(file);
        long needed = (long) h.shape().size() * width;
        long available = Files.size(file);
        if (available < needed) {
            throw new VectorFormatException(file, "truncated data: shape " + h.shape() + " needs " + needed + " bytes, the whole file has "
                    + available);
        }
    }

    /** An expected output: int64 for {@code indices}, float32 for the rest. */
    static Object readOutput(String name, Path file) throws VectorFormatException {
        return name.equals(INDICES) ? readIndices(file) : readFloat(file);
    }

    private static VectorFormatException wrap(Path file, Exception e) {
        String m = String.valueOf(e.getMessage());
        // Npy's messages already start with the file name.
        String prefix = file + ": ";
        return new VectorFormatException(file, m.startsWith(prefix) ? m.substring(prefix.length()) : m, e);
    }
}
