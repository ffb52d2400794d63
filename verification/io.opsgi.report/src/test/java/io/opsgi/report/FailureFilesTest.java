package io.opsgi.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.conformance.VectorCase;
import io.opsgi.tensor.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failing outputs land beside the report as .npy: PyTorch's and the kernel's, readable again. */
class FailureFilesTest {
    @TempDir
    Path dir;

    @Test
    void expectedAndGotPerFailingOutput() throws Exception {
        VerifyRun run = Fixtures.run(dir, Map.of());
        VectorCase relu = new VectorCase("relu_zeros", "relu", Map.of(), Map.of("input", dir.resolve("in.npy")), Map.of("output", dir.resolve("out.npy")),
                null, null, List.of());
        Path out = dir.resolve("failures");
        List<Path> files = FailureFiles.write(run.conformance().failures(), name -> Optional.of(relu), out);
        // mathmax and plusone produced outputs; the thrower produced none
        assertEquals(4, files.size());
        assertArrayEquals(new float[] {1f, 1f, 3f}, Npy.readFloat(out.resolve("relu_zeros.plusone.output.got.npy")).toArray());
        assertArrayEquals(Files.readAllBytes(dir.resolve("out.npy")), Files.readAllBytes(out.resolve("relu_zeros.plusone.output.expected.npy")));
        float[] mathmax = Npy.readFloat(out.resolve("relu_zeros.mathmax.output.got.npy")).toArray();
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(mathmax[1]), "the +0 that failed, bit for bit");
    }

}
