package io.opsgi.report;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.VectorCase;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outputs of failing cases as {@code .npy} files, PyTorch's beside the kernel's, so that they can
 * be diffed in numpy: {@code <case>.<variant>.<output>.expected.npy} and {@code ...got.npy}.
 */
public final class FailureFiles {
    private FailureFiles() {
    }

    /** @param cases finds a result's vector case by name (for its expected files) */
    public static List<Path> write(List<CaseResult> failures, Function<String, Optional<VectorCase>> cases, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        for (CaseResult f : failures) {
            if (f.actual().isEmpty()) {
                continue;
            }
            Files.createDirectories(dir);
            Optional<VectorCase> c = cases.apply(f.caseName());
            for (Map.Entry<String, Object> out : f.actual().entrySet()) {
                String stem = f.caseName() + "." + f.variant() + "." + out.getKey();
                Path got = dir.resolve(stem + ".got.npy");
                if (out.getValue() instanceof Tensor t) {
                    Npy.write(got, t);
                } else if (out.getValue() instanceof IndexTensor t) {
                    Npy.write(got, t);
                } else {
                    continue;
                }
                written.add(got);
                Path expected = c.map(VectorCase::expected).map(e -> e.get(out.getKey())).orElse(null);
                if (expected != null) {
                    Path copy = dir.resolve(stem + ".expected.npy");
                    Files.copy(expected, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    written.add(copy);
                }
            }
        }
        return written;
    }
}
