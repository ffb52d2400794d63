package io.opsgi.conformance.gate;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.Differential;
import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.Replay;
import io.opsgi.conformance.VectorCase;
import io.opsgi.op.Kernel;
import io.opsgi.op.Operators;
import io.opsgi.runtime.KernelVerifier;
import io.opsgi.runtime.ReproducibleVerifier;
import io.opsgi.runtime.VerificationReport;
import io.opsgi.runtime.VerificationReport.Timing;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The verification gate's judge. A kernel passes when, for each op it declares, it passes every
 * reference vector and agrees with the op's reference kernel on every valid case's configuration
 * with new seeded values ({@link Differential}); then gives the right answers when called from
 * several threads at once ({@link ConcurrencyCheck}); then gives the reference's answers on inputs
 * of realistic size within a bound, and is timed against the kernels now serving the op on those
 * ({@link SpeedTrial}); the best times go into the report, and the runtime selects by them. The vectors and the
 * differential check also call each kernel's other paths (its prepare step, its blocked entry points, max pool's
 * values-only path: {@link Replay#run(VectorCase, Kernel, String)}), so a kernel wrong on one of them never serves. Vectors
 * come from {@code opsgi.vectors} if set, else from the copy bundled in this bundle. Its {@link #suiteDigest()} covers
 * the vectors' bytes and the checks configured, so the runtime may remember its passes across restarts.
 */
@Component(service = KernelVerifier.class, configurationPid = GateVerifier.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class GateVerifier implements ReproducibleVerifier {
    /** Configuration PID; its {@link #ADMISSION} key overrides the framework property of that name. */
    public static final String PID = "io.opsgi.gate";
    /**
     * {@code full} (the default): every check. {@code values}: the vectors, the differential check and
     * the concurrency check only, no large inputs and no timing (so no measured times, and selection by
     * ranking): for test runs that are not about admission, where the size and speed checks of every
     * kernel a test installs cost minutes on a 2-core machine. Tests of admission switch it back.
     */
    public static final String ADMISSION = "opsgi.admission";
    /**
     * Framework or configuration property: how long the concurrency check keeps calling a kernel from its
     * threads once each has made its minimum rounds, in milliseconds (default {@value ConcurrencyCheck#BUDGET_MILLIS};
     * blank: the default, e.g. a configuration that restores it over a framework property). Shorter only for test
     * runs that are not about admission: each kernel a container verifies pays it once, one kernel at a time.
     */
    public static final String CONCURRENCY_MILLIS = "opsgi.admission.concurrency";
    /** Failing cases listed in a report; the count says how many more there were. */
    private static final int MAX_DETAILS = 8;
    private static final String BUNDLED = "reference-vectors";

    private ReferenceVectors vectors;
    private String unavailable;
    private volatile boolean sizeAndSpeed = true;
    private volatile long concurrencyMillis = ConcurrencyCheck.BUDGET_MILLIS;
    /** Computed on first use, forgotten when the checks are configured again. */
    private volatile String suiteDigest;

    @Reference(service = LoggerFactory.class)
    private Logger log;

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        configure(context, config);
        try {
            String configured = context.getProperty("opsgi.vectors");
            vectors = ReferenceVectors.load(configured != null ? Path.of(configured) : extract(context));
        } catch (Exception e) {
            unavailable = e.getMessage();
        }
    }

    @Modified
    void configure(BundleContext context, Map<String, Object> config) {
        Object mode = config.getOrDefault(ADMISSION, context.getProperty(ADMISSION));
        sizeAndSpeed = mode == null || !"values".equalsIgnoreCase(mode.toString().trim());
        Object budget = config.getOrDefault(CONCURRENCY_MILLIS, context.getProperty(CONCURRENCY_MILLIS));
        concurrencyMillis = budget == null || budget.toString().isBlank() ? ConcurrencyCheck.BUDGET_MILLIS : millis(budget);
        suiteDigest = null;
    }

    @Override
    public String suiteDigest() {
        String d = suiteDigest;
        if (d == null) {
            String settings = "admission=" + (sizeAndSpeed ? "full" : "values") + ", concurrency=" + concurrencyMillis + " ms";
            d = vectors == null ? "no vectors: " + unavailable : SuiteDigest.of(vectors.root(), settings);
            suiteDigest = d;
        }
        return d;
    }

    /** A budget in milliseconds; a value that is not a whole number >= 0 is reported in one line and the default used. */
    private long millis(Object value) {
        try {
            long ms = Long.parseLong(value.toString().trim());
            if (ms >= 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.error("Ignoring {}={}: not a whole number of milliseconds >= 0; using {}", CONCURRENCY_MILLIS, value, ConcurrencyCheck.BUDGET_MILLIS);
        return ConcurrencyCheck.BUDGET_MILLIS;
    }

    /** A judge of values only (vectors, differential, concurrency within the minimum rounds), outside a framework: for tests. */
    static GateVerifier valuesOnly(ReferenceVectors vectors) {
        GateVerifier v = new GateVerifier();
        v.vectors = vectors;
        v.sizeAndSpeed = false;
        v.concurrencyMillis = 0;
        return v;
    }

    @Override
    public VerificationReport verify(Request request) {
        long start = System.nanoTime();
        if (vectors == null) {
            return VerificationReport.failed("no reference vectors to verify against: " + unavailable, List.of(), since(start));
        }
        List<String> failures = new ArrayList<>();
        Map<String, Tally> tallies = new LinkedHashMap<>();
        Map<String, List<VectorCase>> casesByOp = new LinkedHashMap<>();
        for (String op : request.ops()) {
            List<VectorCase> cases = Operators.exists(op) ? vectors.cases(op) : List.of();
            Tally tally = tallies.computeIfAbsent(op, k -> new Tally());
            if (cases.isEmpty()) {
                failures.add(op + ": nothing to verify against (no reference vectors for this op)");
                tally.failed++;
                continue;
            }
            casesByOp.put(op, cases);
            long t0 = System.nanoTime();
            values(request, op, cases, tally, failures);
            tally.values += System.nanoTime() - t0;
            if (Thread.currentThread().isInterrupted()) {
                return VerificationReport.failed("interrupted", failures, since(start));
            }
        }
        List<Timing> timings = new ArrayList<>();
        int concurrentCalls = 0;
        long concurrencyNanos = 0;
        String notRun = null;
        try {
            if (failures.isEmpty()) {
                long t0 = System.nanoTime();
                ConcurrencyCheck.Outcome concurrency = ConcurrencyCheck.run(casesByOp, request.kernel(), request.references(), request.seed(),
                        concurrencyMillis);
                concurrencyNanos = System.nanoTime() - t0;
                concurrentCalls = concurrency.calls();
                if (concurrency.failure() != null) {
                    failures.add(concurrency.failure());
                }
            }
            // Large inputs of every op first, then the timing of every op: the JIT compiles meanwhile.
            Map<String, SpeedTrial> trials = new LinkedHashMap<>();
            for (String op : casesByOp.keySet()) {
                if (!failures.isEmpty() || !sizeAndSpeed) {
                    break;
                }
                long t0 = System.nanoTime();
                SpeedTrial trial = SpeedTrial.check(op, request.variant(), request.kernel(), request.references().get(op),
                        request.rivals().getOrDefault(op, Map.of()), casesByOp.get(op), request.seed());
                SpeedTrial.Outcome checked = trial.outcome();
                Tally tally = tallies.get(op);
                tally.size += System.nanoTime() - t0;
                tally.large.addAll(checked.checked());
                tally.failed += checked.failures().size();
                failures.addAll(checked.failures());
                trials.put(op, trial);
            }
            long timingDeadline = System.nanoTime() + SpeedTrial.BUDGET_NANOS;
            for (Map.Entry<String, SpeedTrial> t : trials.entrySet()) {
                if (!failures.isEmpty()) {
                    break;
                }
                long t0 = System.nanoTime();
                timings.addAll(t.getValue().time(timingDeadline).timings());
                tallies.get(t.getKey()).speed += System.nanoTime() - t0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return VerificationReport.failed("interrupted", failures, since(start));
        }
        if (!failures.isEmpty() && timings.isEmpty()) {
            notRun = "concurrency, large-input and speed checks stop at the first failure";
        }
        Map<String, String> opSummaries = new LinkedHashMap<>();
        int concurrent = concurrentCalls;
        // The concurrency check runs all the kernel's ops at once: each op's summary shows its share.
        long concurrencyShare = concurrencyNanos / Math.max(1, casesByOp.size());
        tallies.forEach((op, t) -> {
            t.concurrency = casesByOp.containsKey(op) ? concurrencyShare : 0;
            opSummaries.put(op, t.summary(concurrent));
        });
        Tally total = new Tally();
        tallies.values().forEach(total::add);
        total.concurrency = concurrencyNanos;
        String summary = total.summary(concurrentCalls)
                + (request.references().isEmpty() && !REFERENCE_VARIANT.equals(request.variant()) ? ", no reference kernel compared" : "")
                + (failures.isEmpty() ? "" : ", " + failures.size() + " failed" + (notRun == null ? "" : " (" + notRun + ")"));
        if (failures.isEmpty()) {
            return VerificationReport.passed(summary, since(start)).with(opSummaries, timings);
        }
        List<String> shown = new ArrayList<>(failures.subList(0, Math.min(MAX_DETAILS, failures.size())));
        if (failures.size() > MAX_DETAILS) {
            shown.add("... and " + (failures.size() - MAX_DETAILS) + " more");
        }
        return VerificationReport.failed(summary, shown, since(start)).with(opSummaries, timings);
    }

    /** Values: every reference vector of {@code op}, then the differential check against its reference. */
    private void values(Request request, String op, List<VectorCase> cases, Tally tally, List<String> failures) {
        Replay replay = new Replay();
        for (VectorCase c : cases) {
            CaseResult r = replay.run(c, request.kernel(), request.variant());
            switch (r.status()) {
                case PASSED -> tally.vectors++;
                case SKIPPED -> tally.notApplicable++;
                case FAILED -> {
                    tally.failed++;
                    failures.add("vector case " + c.name() + " [" + c.attrsText() + "]: " + r.reason());
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
        Kernel reference = request.references().get(op);
        if (reference == null) {
            return;
        }
        for (VectorCase c : cases) {
            Differential.Result d = Differential.check(c, request.kernel(), reference, request.seed());
            switch (d.verdict()) {
                case PASSED -> tally.differential++;
                case NOT_APPLICABLE -> { }
                case FAILED -> {
                    tally.failed++;
                    failures.add("differential case " + c.name() + " [" + c.attrsText() + "]: " + d.problem());
                }
            }
        }
    }

    /** What passed for one op (or, added up, for the kernel). */
    private static final class Tally {
        int vectors, differential, notApplicable, failed;
        /** Time spent on this op's values (vectors and differential), large inputs (size) and timing (speed), in ns. */
        long values, size, speed;
        /** Time of the concurrency check, which is the kernel's (all its ops at once): an op's share, or the whole in the kernel's total. */
        long concurrency;
        final List<String> large = new ArrayList<>();

        void add(Tally t) {
            vectors += t.vectors;
            differential += t.differential;
            notApplicable += t.notApplicable;
            failed += t.failed;
            values += t.values;
            size += t.size;
            speed += t.speed;
            large.addAll(t.large);
        }

        /** E.g. {@code 9.4 s: values 1.2, concurrency 1.5, size 3.1, speed 3.6}: the whole and each check that ran. */
        String times() {
            StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "%.1f s: values %.1f", (values + concurrency + size + speed) / 1e9,
                    values / 1e9));
            if (concurrency > 0) {
                b.append(String.format(java.util.Locale.ROOT, ", concurrency %.1f", concurrency / 1e9));
            }
            if (size > 0) {
                b.append(String.format(java.util.Locale.ROOT, ", size %.1f", size / 1e9));
            }
            if (speed > 0) {
                b.append(String.format(java.util.Locale.ROOT, ", speed %.1f", speed / 1e9));
            }
            return b.toString();
        }

        String summary(int concurrentCalls) {
            return vectors + " vector cases and " + differential + " differential cases passed"
                    + (notApplicable > 0 ? ", " + notApplicable + " not applicable (unsupported geometry)" : "")
                    + (concurrentCalls > 0 ? ", " + concurrentCalls + " calls on " + ConcurrencyCheck.THREADS + " threads at once right" : "")
                    + (large.isEmpty() ? "" : ", large inputs right: " + String.join(", ", large))
                    + " (" + times() + ")";
        }
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
