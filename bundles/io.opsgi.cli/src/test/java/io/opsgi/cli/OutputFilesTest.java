package io.opsgi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFileInAnExistingFolderIsFine() {
        assertNull(OutputFiles.problem(dir.resolve("y.npy")));
    }

    @Test
    void aMissingFolderOrADirectoryIsNamed() {
        Path missing = dir.resolve("nope/y.npy");
        assertEquals(missing + ": the folder " + dir.resolve("nope") + " does not exist", OutputFiles.problem(missing));
        assertEquals(dir + " is a directory; give a file name", OutputFiles.problem(dir));
    }
}
