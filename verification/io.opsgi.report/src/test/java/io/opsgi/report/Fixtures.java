package io.opsgi.report;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.ConformanceReport;
import io.opsgi.conformance.Replay;
import io.opsgi.conformance.VectorCase;
import io.opsgi.conformance.VectorManifest;
import io.opsgi.op.ElementwiseKernel;
import io.opsgi.properties.check.PropertyReport;
import io.opsgi.properties.check.PropertyResult;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small verify run made the real way (cases replayed against fixture kernels): relu done right,
 * relu that loses the sign of zero, relu that adds one, and one that throws with a hostile message;
 * plus a property report with one pass and one failure.
 */
final class Fixtures {
    static final String HOSTILE = "boom <script>alert(1)</script> \u0001\u001b[2J & \"quotes\"";

    private Fixtures() {
    }

    static VerifyRun run(Path dir, Map<String, String> filters) throws IOException {
        Npy.write(dir.resolve("in.npy"), Tensor.of(Shape.of(3), -1f, -0f, 2f));
        Npy.write(dir.resolve("out.npy"), Tensor.of(Shape.of(3), 0f, -0f, 2f));
        VectorCase relu = new VectorCase("relu_zeros", "relu", Map.of(), Map.of("input", dir.resolve("in.npy")), Map.of("output", dir.resolve("out.npy")),
                null, null, List.of());
        Replay replay = new Replay();
        ConformanceReport report = new ConformanceReport();
        report.add(replay.run(relu, (ElementwiseKernel) (a, x, y) -> {
            for (int i = 0; i < x.length; i++) {
                y[i] = x[i] < 0 ? 0f : x[i];
            }
        }, "good"));
        report.add(replay.run(relu, (ElementwiseKernel) (a, x, y) -> {
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        }, "mathmax"));
        report.add(replay.run(relu, (ElementwiseKernel) (a, x, y) -> {
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.max(x[i], 0f) + 1;
            }
        }, "plusone"));
        report.add(replay.run(relu, (ElementwiseKernel) (a, x, y) -> {
            throw new IllegalStateException(HOSTILE);
        }, "thrower"));
        PropertyReport properties = new PropertyReport(List.of(
                new PropertyResult("ActivationProperties", "inputsUnchanged", PropertyResult.Status.PASSED, 50, 50, "42", null, 0, null, 120),
                new PropertyResult("ActivationProperties", "agreesWithReference", PropertyResult.Status.FAILED, 3, 3, "42", "relu/plusone; input=[2]", 4,
                        "AssertionError: output differs", 80)),
                Map.of("ActivationProperties", "relu/plusone"), 42, 200);
        return new VerifyRun(dir.toString(), new VectorManifest(1, "generate.py", "1.13.0a0", 1913, List.of("relu")), filters, report, properties);
    }

    static CaseResult failure(VerifyRun run, String variant) {
        return run.conformance().failures().stream().filter(r -> r.variant().equals(variant)).findFirst().orElseThrow();
    }
}
