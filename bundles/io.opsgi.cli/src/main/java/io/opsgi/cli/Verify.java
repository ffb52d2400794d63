package io.opsgi.cli;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.ConformanceReport;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.Replay;
import io.opsgi.conformance.ServiceKernels;
import io.opsgi.conformance.VectorCase;
import io.opsgi.conformance.VectorFormatException;
import io.opsgi.properties.check.PropertyReport;
import io.opsgi.properties.check.PropertyResult;
import io.opsgi.properties.check.PropertySuite;
import io.opsgi.report.FailureFiles;
import io.opsgi.report.JUnitXml;
import io.opsgi.report.VerifyHtml;
import io.opsgi.report.VerifyJson;
import io.opsgi.report.VerifyRun;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ./opsgi verify}: replays reference vectors against the kernels registered in this
 * container, or only against those of a jar it installs, then runs the property suite
 * ({@code io.opsgi.properties}) over the same kernels, and exits 1 if any case or property fails.
 * Bad options (a missing folder for a report, a filter that matches nothing, a jar that does not
 * resolve) exit 2 with one line, before any kernel runs.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Replay PyTorch reference vectors and run the property suite against every "
        + "registered kernel (or one jar's) and print tables; failing properties are printed with their shrunk counterexample, failing cases "
        + "with a repro command.")
final class Verify implements Callable<Integer> {
    /** Kernel services of a freshly started bundle may register a little after its start. */
    private static final long SETTLE_MILLIS = 10_000;

    @ParentCommand
    Commands opsgi;

    @Option(names = "--vectors", paramLabel = "DIR", description = "vector directory in the documented format (default: the bundled reference-vectors)")
    Path vectors;

    @Option(names = "--bundle", paramLabel = "FILE.jar", description = "install this kernel jar and verify only its kernels")
    File bundle;

    @Option(names = "--op", paramLabel = "OP", description = "only this op (repeatable), e.g. conv2d")
    List<String> ops = new ArrayList<>();

    @Option(names = "--variant", paramLabel = "VARIANT", description = "only kernels of this variant (repeatable), e.g. gemm")
    List<String> variants = new ArrayList<>();

    @Option(names = "--case", paramLabel = "PATTERN", description = "only cases whose name matches: a glob (conv2d_*_pad*), or regex:... "
            + "(skips the property suite)")
    String casePattern;

    @Option(names = "--cases", description = "also print one line per case: status, error as a fraction of the tolerance, reason")
    boolean printCases;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON (cases, failures with repro, seeds, "
            + "torch version, properties); failing outputs go to FILE's folder as .npy")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "also write an HTML report with plots of error against tolerance")
    Path html;

    @Option(names = "--junit", paramLabel = "FILE|DIR", description = "also write JUnit XML (one testcase per kernel and case, per property): "
            + "into an existing DIR one TEST-*.xml per suite, else one FILE")
    Path junit;

    @Option(names = "--properties", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also run the property suite (default); --no-properties replays the vectors only")
    boolean properties;

    /** About a fifth of the CI budgets (500-1500 per kernel), so that verify stays well under a minute; --tries 1000 for a deeper run. */
    @Option(names = "--tries", paramLabel = "N", defaultValue = "200", description = "tries per property and kernel (default: ${DEFAULT-VALUE})")
    int tries;

    @Option(names = "--seed", paramLabel = "S", description = "seed of every property, to replay a run (default: random, printed)")
    Long seed;

    @Override
    public Integer call() throws IOException, InterruptedException, BundleException {
        String problem = optionProblem();
        if (problem != null) {
            System.err.println("verify: " + problem);
            return 2;
        }
        Path dir = vectors != null ? vectors : defaultVectors();
        if (dir == null) {
            System.err.println("verify: no vector directory; pass --vectors DIR");
            return 2;
        }
        ReferenceVectors refs;
        try {
            refs = ReferenceVectors.load(dir);
        } catch (VectorFormatException e) {
            System.err.println("verify: " + e.getMessage());
            return 2;
        }
        String filterProblem = filterProblem(refs);
        if (filterProblem != null) {
            System.err.println("verify: " + filterProblem);
            return 2;
        }
        BundleContext context = opsgi.context;
        List<DiscoveredKernel> kernels;
        Bundle installed = null;
        if (bundle != null) {
            String jarProblem = StrangerJar.problem(bundle);
            if (jarProblem != null) {
                System.err.println("verify: " + jarProblem);
                return 2;
            }
            try {
                installed = context.installBundle(bundle.toURI().toString());
                installed.start();
            } catch (BundleException e) {
                System.err.println("verify: " + StrangerJar.describe(bundle, e));
                if (installed != null) {
                    installed.uninstall();
                }
                return 2;
            }
            long id = installed.getBundleId();
            kernels = awaitKernels(context, id);
            if (kernels.isEmpty()) {
                System.err.println("verify: " + bundle + " registered no kernel service (opsgi.op / opsgi.variant)");
                installed.uninstall();
                return 1;
            }
        } else {
            kernels = ServiceKernels.discover(context, ref -> true);
        }
        List<DiscoveredKernel> chosen = kernels.stream().filter(k -> variants.isEmpty() || variants.contains(k.variant()))
                .filter(k -> ops.isEmpty() || ops.stream().anyMatch(k::serves)).toList();
        if (chosen.isEmpty()) {
            System.err.println("verify: no kernel matches --op " + ops + " --variant " + variants + "; see ./opsgi list");
            return 2;
        }
        try {
            ConformanceReport report = replay(refs, chosen, bundle == null);
            System.out.print(report.toTable());
            if (printCases) {
                report.results().forEach(r -> System.out.println(caseLine(r)));
            }
            VerifyRun replayed = new VerifyRun(refs.root().toString(), refs.manifest(), filters(), report, null);
            for (CaseResult failure : report.failures()) {
                System.out.println("FAILED " + failure.describe() + "\n  repro: " + replayed.repro(failure));
            }
            PropertyReport propertyReport = null;
            boolean propertiesPassed = true;
            if (properties && casePattern == null) {
                propertyReport = checkProperties(context, kernels, chosen, installed);
                propertiesPassed = propertyReport != null && propertyReport.allPassed();
            } else if (properties) {
                System.err.println("verify: --case selects vector cases; the property suite does not run");
            }
            VerifyRun run = new VerifyRun(refs.root().toString(), refs.manifest(), filters(), report, propertyReport);
            writeReports(run, refs);
            return report.allPassed() && propertiesPassed ? 0 : 1;
        } finally {
            ServiceKernels.release(context);
            if (installed != null) {
                installed.uninstall();
            }
        }
    }

    /** Report files are checked before anything runs: a typo must not cost a whole verification. */
    private String optionProblem() {
        if (tries < 1) {
            return "--tries must be at least 1, got " + tries;
        }
        for (Map.Entry<String, Path> o : Map.of("--json", opt(json), "--html", opt(html)).entrySet()) {
            if (!o.getValue().toString().isEmpty()) {
                String p = OutputFiles.problem(o.getValue());
                if (p != null) {
                    return o.getKey() + " " + p;
                }
            }
        }
        if (junit != null && !Files.isDirectory(junit)) {
            String p = OutputFiles.problem(junit);
            if (p != null) {
                return "--junit " + p;
            }
        }
        if (casePattern != null) {
            try {
                caseMatcher();
            } catch (IllegalArgumentException e) {
                return "--case " + casePattern + ": " + e.getMessage().lines().findFirst().orElse("not a glob or regex");
            }
        }
        return null;
    }

    private static Path opt(Path p) {
        return p == null ? Path.of("") : p;
    }

    private String filterProblem(ReferenceVectors refs) {
        for (String op : ops) {
            if (!refs.ops().contains(op)) {
                return "--op " + op + ": no such op in " + refs.root() + "; ops: " + String.join(", ", refs.ops());
            }
        }
        if (casePattern != null && refs.cases().stream().noneMatch(casesWanted())) {
            return "--case " + casePattern + ": matches no case" + (ops.isEmpty() ? "" : " of " + ops);
        }
        return null;
    }

    private PathMatcher caseMatcher() {
        String p = casePattern.startsWith("regex:") || casePattern.startsWith("glob:") ? casePattern : "glob:" + casePattern;
        return FileSystems.getDefault().getPathMatcher(p);
    }

    private Predicate<VectorCase> casesWanted() {
        PathMatcher m = casePattern == null ? null : caseMatcher();
        return c -> (ops.isEmpty() || ops.contains(c.op())) && (m == null || m.matches(Path.of(c.name())));
    }

    private Map<String, String> filters() {
        Map<String, String> f = new LinkedHashMap<>();
        if (!ops.isEmpty()) {
            f.put("op", String.join(",", ops));
        }
        if (!variants.isEmpty()) {
            f.put("variant", String.join(",", variants));
        }
        if (casePattern != null) {
            f.put("case", casePattern);
        }
        if (bundle != null) {
            f.put("bundle", bundle.toString());
        }
        if (vectors != null) {
            f.put("vectors", vectors.toString());
        }
        return f;
    }

    /**
     * The wanted cases against the chosen kernels, an op at a time with progress on stderr. Ops no
     * kernel serves are reported only in a full run: a stranger's jar or a filter is not to blame.
     */
    private ConformanceReport replay(ReferenceVectors refs, List<DiscoveredKernel> kernels, boolean reportUncovered) {
        ConformanceReport report = new ConformanceReport();
        Replay replay = new Replay();
        Predicate<VectorCase> wanted = casesWanted();
        boolean uncoveredCounts = reportUncovered && variants.isEmpty();
        List<String> order = refs.ops().stream().filter(op -> refs.cases(op).stream().anyMatch(wanted))
                .filter(op -> uncoveredCounts || kernels.stream().anyMatch(k -> k.serves(op))).toList();
        int done = 0;
        for (String op : order) {
            List<VectorCase> cases = refs.cases(op).stream().filter(wanted).toList();
            List<DiscoveredKernel> serving = kernels.stream().filter(k -> k.serves(op)).toList();
            if (serving.isEmpty() && uncoveredCounts) {
                report.addUncovered(op, cases.size());
            }
            for (DiscoveredKernel k : serving) {
                cases.forEach(c -> report.add(replay.run(c, k)));
                ConformanceReport.Row row = report.row(op, k.variant());
                System.err.printf(Locale.ROOT, "verify [%d/%d] %s/%s: %d passed, %d failed, %d skipped%n", done + 1, order.size(), op, k.variant(),
                        row.passed(), row.failed(), row.skipped());
            }
            done++;
        }
        return report;
    }

    /** e.g. {@code PASSED  conv2d/gemm  conv2d_basic  12.5% of tolerance}; error cases and identical outputs read "exact". */
    static String caseLine(CaseResult r) {
        String use = r.status() == CaseResult.Status.SKIPPED ? ""
                : r.toleranceUse() == 0 ? "exact"
                : Double.isInfinite(r.toleranceUse()) ? "error where none is allowed" : String.format(Locale.ROOT, "%.1f%% of tolerance", r.toleranceUse() * 100);
        String reason = r.reason() == null ? "" : "  " + r.reason().lines().findFirst().orElse("");
        return String.format(Locale.ROOT, "%-7s  %s/%s  %s  %s%s", r.status(), r.op(), r.variant(), r.caseName(), use, reason);
    }

    private void writeReports(VerifyRun run, ReferenceVectors refs) throws IOException {
        if (json != null) {
            Files.writeString(json, VerifyJson.of(run));
            System.out.println("wrote " + json);
        }
        if (html != null) {
            Files.writeString(html, VerifyHtml.of(run));
            System.out.println("wrote " + html);
        }
        if (junit != null) {
            List<Path> files = JUnitXml.write(run, junit);
            System.out.println("wrote " + (files.size() == 1 ? files.get(0) : files.size() + " JUnit XML files to " + junit));
        }
        Path beside = json != null ? json : html != null ? html : null;
        if (beside != null && !run.conformance().failures().isEmpty()) {
            Path dir = beside.toAbsolutePath().resolveSibling("failures");
            List<Path> files = FailureFiles.write(run.conformance().failures(), refs::find, dir);
            if (!files.isEmpty()) {
                System.out.println("wrote " + files.size() + " .npy files of failing outputs (expected and got) to " + dir);
            }
        }
    }

    /**
     * The property suite over the chosen kernels; the rest of the container's kernels are the
     * references (a stranger's own bundle excluded, whatever variant it claims). Null if it broke down.
     */
    private PropertyReport checkProperties(BundleContext context, List<DiscoveredKernel> all, List<DiscoveredKernel> chosen, Bundle installed) {
        PropertySuite.Settings settings = new PropertySuite.Settings(tries, seed);
        PropertyReport report;
        try {
            if (installed != null) {
                long id = installed.getBundleId();
                report = PropertySuite.checkOnly(chosen, ServiceKernels.discover(context, ref -> ref.getBundle().getBundleId() != id), settings,
                        System.err::println);
            } else if (chosen.size() < all.size()) {
                report = PropertySuite.checkOnly(chosen, all, settings, System.err::println);
            } else {
                report = PropertySuite.check(all, settings, System.err::println);
            }
        } catch (RuntimeException | LinkageError e) {
            System.out.println("FAILED the property suite could not run: " + e);
            return null;
        }
        System.out.println();
        System.out.print(report.toTable());
        for (PropertyResult failure : report.failures()) {
            System.out.println("FAILED property " + failure.describe());
        }
        return report;
    }

    private static List<DiscoveredKernel> awaitKernels(BundleContext context, long bundleId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
        List<DiscoveredKernel> found = List.of();
        while (found.isEmpty() && System.currentTimeMillis() < deadline) {
            found = ServiceKernels.discover(context, ref -> ref.getBundle().getBundleId() == bundleId);
            if (found.isEmpty()) {
                Thread.sleep(50);
            }
        }
        return found;
    }

    private static Path defaultVectors() {
        String p = System.getProperty("opsgi.vectors");
        return p == null ? null : Path.of(p);
    }
}
