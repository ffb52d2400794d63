package io.opsgi.conformance.gate;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.Differential;
import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.Replay;
import io.opsgi.conformance.VectorCase;
import io.opsgi.op.Kernel;
import io.opsgi.op.Operators;
import io.opsgi.runtime.KernelVerifier;
import io.opsgi.runtime.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The verification gate's judge: a kernel passes when it passes every reference vector of each op
 * it declares and agrees with the op's reference kernel on every valid case's configuration with
 * new seeded values ({@link Differential}). Vectors come from {@code opsgi.vectors} if set, else
 * from the copy bundled in this bundle.
 */
@Component(service = KernelVerifier.class)
public final class GateVerifier implements KernelVerifier {
    /** Failing cases listed in a report; the count says how many more there were. */
    private static final int MAX_DETAILS = 8;
    private static final String BUNDLED = "reference-vectors";

    private ReferenceVectors vectors;
    private String unavailable;

    @Activate
    void activate(BundleContext context) {
        try {
            String configured = context.getProperty("opsgi.vectors");
            vectors = ReferenceVectors.load(configured != null ? Path.of(configured) : extract(context));
        } catch (Exception e) {
            unavailable = e.getMessage();
        }
    }

    @Override
    public VerificationReport verify(Request request) {
        long start = System.nanoTime();
        if (vectors == null) {
            return VerificationReport.failed("no reference vectors to verify against: " + unavailable, List.of(), since(start));
        }
        Replay replay = new Replay();
        List<String> failures = new ArrayList<>();
        int vectorsPassed = 0, differentialPassed = 0, notApplicable = 0;
        for (String op : request.ops()) {
            List<VectorCase> cases = Operators.exists(op) ? vectors.cases(op) : List.of();
            Kernel reference = request.references().get(op);
            if (cases.isEmpty()) {
                failures.add(op + ": nothing to verify against (no reference vectors for this op)");
                continue;
            }
            for (VectorCase c : cases) {
                CaseResult r = replay.run(c, request.kernel(), request.variant());
                switch (r.status()) {
                    case PASSED -> vectorsPassed++;
                    case SKIPPED -> notApplicable++;
                    case FAILED -> failures.add("vector case " + c.name() + " [" + c.attrsText() + "]: " + r.reason());
                }
                if (Thread.currentThread().isInterrupted()) {
                    return VerificationReport.failed("interrupted", failures, since(start));
                }
            }
            if (reference == null) {
                continue;
            }
            for (VectorCase c : cases) {
                Differential.Result d = Differential.check(c, request.kernel(), reference, request.seed());
                switch (d.verdict()) {
                    case PASSED -> differentialPassed++;
                    case NOT_APPLICABLE -> { }
                    case FAILED -> failures.add("differential case " + c.name() + " [" + c.attrsText() + "]: " + d.problem());
                }
            }
        }
        String summary = vectorsPassed + " vector cases and " + differentialPassed + " differential cases passed"
                + (notApplicable > 0 ? ", " + notApplicable + " not applicable (unsupported geometry)" : "")
                + (request.references().isEmpty() && !REFERENCE_VARIANT.equals(request.variant()) ? ", no reference kernel compared" : "")
                + (failures.isEmpty() ? "" : ", " + failures.size() + " failed");
        if (failures.isEmpty()) {
            return VerificationReport.passed(summary, since(start));
        }
        List<String> shown = new ArrayList<>(failures.subList(0, Math.min(MAX_DETAILS, failures.size())));
        if (failures.size() > MAX_DETAILS) {
            shown.add("... and " + (failures.size() - MAX_DETAILS) + " more");
        }
        return VerificationReport.failed(summary, shown, since(start));
    }

    /** Copies the bundled vectors into the bundle's data area once (ReferenceVectors reads files). */
    private static Path extract(BundleContext context) throws IOException {
        Bundle bundle = context.getBundle();
        Path root = context.getDataFile(BUNDLED + "-" + bundle.getLastModified()).toPath();
        Path complete = root.resolve(".complete");
        if (Files.exists(complete)) {
            return root;
        }
        Enumeration<URL> entries = bundle.findEntries(BUNDLED, "*", true);
        if (entries == null) {
            throw new IOException("this bundle carries no " + BUNDLED + " and opsgi.vectors is not set");
        }
        while (entries.hasMoreElements()) {
            URL url = entries.nextElement();
            String path = url.getPath();
            if (path.endsWith("/")) {
                continue;
            }
            Path target = root.resolve(path.substring(path.indexOf(BUNDLED) + BUNDLED.length() + 1));
            Files.createDirectories(target.getParent());
            try (InputStream in = url.openStream()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createFile(complete);
        return root;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
