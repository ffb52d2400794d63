package io.opsgi.cli;

import io.opsgi.conformance.CaseResult;
import io.opsgi.conformance.ConformanceReport;
import io.opsgi.conformance.DiscoveredKernel;
import io.opsgi.conformance.ReferenceVectors;
import io.opsgi.conformance.Replay;
import io.opsgi.conformance.ServiceKernels;
import io.opsgi.conformance.VectorFormatException;
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
 * container, or only against those of a jar it installs, and exits 1 if any case fails.
 */
@Command(name = "verify", description = "Replay PyTorch reference vectors against every registered kernel (or one jar's) and print a table.")
final class Verify implements Callable<Integer> {
    /** Kernel services of a freshly started bundle may register a little after its start. */
    private static final long SETTLE_MILLIS = 10_000;

    @ParentCommand
    Commands opsgi;

    @Option(names = "--vectors", paramLabel = "DIR", description = "vector directory in the documented format (default: the bundled reference-vectors)")
    Path vectors;

    @Option(names = "--bundle", paramLabel = "FILE.jar", description = "install this kernel jar and verify only its kernels")
    File bundle;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON")
    Path json;

    @Override
    public Integer call() throws IOException, BundleException, InterruptedException {
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
            return report.allPassed() ? 0 : 1;
        } finally {
            ServiceKernels.release(context);
            if (installed != null) {
                installed.uninstall();
            }
        }
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
