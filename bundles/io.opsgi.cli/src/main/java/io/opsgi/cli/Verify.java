package io.opsgi.cli;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.ConformanceReport;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.Replay;
import io.opsgi.conformance.ServiceKernels;
import io.opsgi.conformance.VectorFormatException;
import io.opsgi.properties.check.PropertyReport;
import io.opsgi.properties.check.PropertyResult;
import io.opsgi.properties.check.PropertySuite;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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
 */
@Command(name = "verify", description = "Replay PyTorch reference vectors and run the property suite against every registered kernel "
        + "(or one jar's) and print tables; failing properties are printed with their shrunk counterexample.")
final class Verify implements Callable<Integer> {
    /** Kernel services of a freshly started bundle may register a little after its start. */
    private static final long SETTLE_MILLIS = 10_000;

    @ParentCommand
    Commands opsgi;

    @Option(names = "--vectors", paramLabel = "DIR", description = "vector directory in the documented format (default: the bundled reference-vectors)")
    Path vectors;

    @Option(names = "--bundle", paramLabel = "FILE.jar", description = "install this kernel jar and verify only its kernels")
    File bundle;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the vector report as JSON")
    Path json;

    @Option(names = "--properties", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also run the property suite (default); --no-properties replays the vectors only")
    boolean properties;

    /** About a fifth of the CI budgets (500-1500 per kernel), so that verify stays well under a minute; --tries 1000 for a deeper run. */
    @Option(names = "--tries", paramLabel = "N", defaultValue = "200", description = "tries per property and kernel (default: ${DEFAULT-VALUE})")
    int tries;

    @Option(names = "--seed", paramLabel = "S", description = "seed of every property, to replay a run (default: random, printed)")
    Long seed;

    @Override
    public Integer call() throws IOException, BundleException, InterruptedException {
        if (tries < 1) {
            System.err.println("verify: --tries must be at least 1");
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
        BundleContext context = opsgi.context;
        List<DiscoveredKernel> kernels;
        Bundle installed = null;
        if (bundle != null) {
            if (!bundle.isFile()) {
                System.err.println("verify: no such jar " + bundle);
                return 2;
            }
            installed = context.installBundle(bundle.toURI().toString());
            installed.start();
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
        System.err.println("verify: " + refs.cases().size() + " cases from " + dir + " against " + kernels.size() + " kernels");
        try {
            ConformanceReport report = bundle != null ? replayServedOps(refs, kernels) : new Replay(System.err::println).run(refs, kernels);
            System.out.print(report.toTable());
            for (CaseResult failure : report.failures()) {
                System.out.println("FAILED " + failure.describe());
            }
            if (json != null) {
                Files.writeString(json, report.toJson());
            }
            boolean propertiesPassed = !properties || checkProperties(context, kernels, installed);
            return report.allPassed() && propertiesPassed ? 0 : 1;
        } finally {
            ServiceKernels.release(context);
            if (installed != null) {
                installed.uninstall();
            }
        }
    }

    /**
     * The property suite over the same kernels; a stranger's kernels are compared with this
     * container's reference kernels (its own bundle excluded, whatever variant it claims).
     */
    private boolean checkProperties(BundleContext context, List<DiscoveredKernel> kernels, Bundle installed) {
        PropertySuite.Settings settings = new PropertySuite.Settings(tries, seed);
        PropertyReport report;
        try {
            if (installed == null) {
                report = PropertySuite.check(kernels, settings, System.err::println);
            } else {
                long id = installed.getBundleId();
                report = PropertySuite.checkOnly(kernels, ServiceKernels.discover(context, ref -> ref.getBundle().getBundleId() != id), settings,
                        System.err::println);
            }
        } catch (RuntimeException | LinkageError e) {
            System.out.println("FAILED the property suite could not run: " + e);
            return false;
        }
        System.out.println();
        System.out.print(report.toTable());
        for (PropertyResult failure : report.failures()) {
            System.out.println("FAILED property " + failure.describe());
        }
        return report.allPassed();
    }

    /** Only the ops the stranger's kernels serve: ops it does not claim are not its failures. */
    private static ConformanceReport replayServedOps(ReferenceVectors refs, List<DiscoveredKernel> kernels) {
        ConformanceReport report = new ConformanceReport();
        Replay replay = new Replay(System.err::println);
        for (DiscoveredKernel k : kernels) {
            for (String op : k.ops()) {
                refs.cases(op).forEach(c -> report.add(replay.run(c, k)));
            }
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
