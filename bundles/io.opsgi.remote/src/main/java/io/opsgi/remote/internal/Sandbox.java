package io.opsgi.remote.internal;

import io.opsgi.remote.KernelHost;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.remoteserviceadmin.RemoteConstants;

/**
 * Untrusted kernels ({@link TrustPolicy}) never resolve in this container (a resolver hook): their jars
 * go to a second container process, the sandbox (this same executable jar in host mode on a loopback
 * port), which exports their kernels over Remote Services; {@link KernelImporter} imports them and the
 * gate verifies them like local ones. The sandbox is started when the first untrusted kernel arrives,
 * watched, and restarted when it exits, hangs or stops answering (bounded: {@value #MAX_RESTARTS} restarts in
 * ten minutes, backoff doubling from one second to thirty). Blame: the bundle named by the sandbox's exit
 * witness (the thread that called {@code System.exit} runs a kernel call, and is named after its bundle),
 * the bundle whose call timed out, or else every bundle with a call in flight; a bundle blamed twice is
 * taken out of the sandbox and its kernels stay quarantined (until its jar changes).
 *
 * <p>Framework properties: {@code opsgi.sandbox} ({@code off} runs deploy jars in the container as
 * before), {@code opsgi.sandbox.jar} (the container jar to start; default: this JVM's class path when it is
 * that jar), {@code opsgi.sandbox.vm} (extra JVM options, space-separated), {@code opsgi.remote.timeout}
 * (ms a remote call may take before its host counts as hung, default 60000).
 */
@Component(immediate = true, configurationPid = TrustPolicy.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class Sandbox {
    static final int MAX_RESTARTS = 8;
    static final int STRIKES_OUT = 2;
    static final String NAME = "sandbox";
    /**
     * The topology manager logs an ERROR when a service to export appears before the Remote Service Admin
     * at startup, and exports it as soon as that is there ("Marked for later export"): a start-order race,
     * not a failure, silenced in hosts (opsgi.bndrun says the same for the container).
     */
    static final String QUIET_EXPORT_RACE = "-Dorg.slf4j.simpleLogger.log.org.apache.aries.rsa.topologymanager.exporter.TopologyManagerExport=off";
    private static final Pattern WITNESS = Pattern.compile("called System\\.exit on thread '" + Pattern.quote(ExportedKernel.THREAD_PREFIX) + "(.+)'");

    private final Logger log;
    private final ConfigurationAdmin cm;
    private final KernelImporter importer;
    private BundleContext context;
    private TrustPolicy trust;
    private ServiceRegistration<ResolverHookFactory> hook;
    private SynchronousBundleListener listener;
    private Path dir;
    private Path deploy;
    private Path logFile;
    private String jar;
    private int port;
    private Link link;
    private final ScheduledExecutorService tasks = Executors.newSingleThreadScheduledExecutor(KernelImporter.daemon("opsgi-sandbox"));
    /** Sandbox jars by bundle symbolic name. */
    private final Map<String, Path> placed = new ConcurrentHashMap<>();
    /** Strikes per bundle ("bsn version") and jar hash: a changed jar starts clean. */
    private final Map<String, Integer> strikes = new ConcurrentHashMap<>();
    private final Set<String> hungBundles = ConcurrentHashMap.newKeySet();
    private final Deque<Long> restarts = new ArrayDeque<>();
    private volatile Process process;
    private volatile long logOffset;
    private volatile boolean stopping;
    private volatile boolean active;
    /** Ends the sandbox if this JVM ends without stopping the framework (a command's exit). */
    private final Thread reaper = new Thread(() -> {
        stopping = true;
        kill(process);
    }, "opsgi-sandbox-reaper");

    @Activate
    public Sandbox(@Reference(service = LoggerFactory.class) Logger log, @Reference ConfigurationAdmin cm, @Reference KernelImporter importer) {
        this.log = log;
        this.cm = cm;
        this.importer = importer;
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> config) throws IOException {
        this.context = context;
        if (context.getProperty(KernelHost.PORT) != null || "off".equalsIgnoreCase(String.valueOf(context.getProperty("opsgi.sandbox")))) {
            return; // a kernel host (the sandbox itself, or ./opsgi host) runs what it is given; or the operator said off
        }
        active = true;
        trust = new TrustPolicy(TrustPolicy.deployPrefix(context));
        trust.configure(config);
        dir = context.getDataFile(NAME).toPath();
        deploy = dir.resolve("deploy");
        deleteTree(deploy);
        Files.createDirectories(deploy);
        logFile = dir.resolve("sandbox.log");
        // Gogo runs no shell in the sandbox: an empty profile (its built-in one needs a terminal).
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc").resolve("gosh_profile"), "");
        jar = containerJar(context);
        deleteCatalogRecord(); // a previous run's, if it ended without stopping the framework (Config Admin keeps it)
        hook = context.registerService(ResolverHookFactory.class, triggers -> new Hook(), null);
        Runtime.getRuntime().addShutdownHook(reaper);
        listener = event -> {
            switch (event.getType()) {
                case BundleEvent.INSTALLED, BundleEvent.UPDATED -> consider(event.getBundle());
                case BundleEvent.UNINSTALLED -> remove(event.getBundle());
                default -> { }
            }
        };
        context.addBundleListener(listener);
        for (Bundle b : context.getBundles()) {
            consider(b);
        }
    }

    @Modified
    void modified(Map<String, Object> config) {
        if (!active) {
            return;
        }
        trust.configure(config);
        List<Bundle> nowTrusted = new ArrayList<>();
        List<Bundle> nowUntrusted = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (placed.containsKey(b.getSymbolicName()) && !trust.untrusted(b)) {
                remove(b);
                nowTrusted.add(b);
            } else if (trust.untrusted(b) && (b.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                nowUntrusted.add(b); // resolved while trusted: unresolve it (the hook keeps it so), then to the sandbox
            } else {
                consider(b);
            }
        }
        if (!nowUntrusted.isEmpty()) {
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(nowUntrusted, e -> nowUntrusted.forEach(this::consider));
        }
        if (!nowTrusted.isEmpty()) {
            context.getBundle(0).adapt(FrameworkWiring.class).resolveBundles(nowTrusted);
            for (Bundle b : nowTrusted) {
                try {
                    b.start();
                    log.info("Kernel bundle {} is trusted now: it runs in the container", b.getSymbolicName());
                } catch (Exception e) {
                    log.error("Trusted kernel bundle {} did not start: {}", b.getSymbolicName(), e.toString());
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        if (!active) {
            return;
        }
        context.removeBundleListener(listener);
        hook.unregister();
        tasks.shutdownNow();
        kill(process);
        deleteCatalogRecord();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (and finds nothing left to end)
        }
    }

    private synchronized void consider(Bundle b) {
        if (b.getState() == Bundle.UNINSTALLED || !trust.untrusted(b)) {
            return;
        }
        String path = KernelExporter.path(b);
        if (path == null) {
            return;
        }
        String key = strikeKey(b);
        if (strikes.getOrDefault(key, 0) >= STRIKES_OUT) {
            return; // it ended the sandbox twice: out until its jar changes
        }
        importer.dropStandIns(b.getSymbolicName());
        try {
            Path to = deploy.resolve(b.getSymbolicName() + ".jar");
            Path tmp = deploy.resolve("." + b.getSymbolicName() + ".tmp");
            Files.copy(Path.of(path), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            placed.put(b.getSymbolicName(), to);
            log.info("Untrusted kernel bundle {} goes to the sandbox", b.getSymbolicName());
            System.out.println("opsgi: untrusted kernel bundle " + b.getSymbolicName() + " " + b.getVersion() + " runs in the sandbox");
        } catch (IOException e) {
            log.error("Could not hand {} to the sandbox: {}", b.getSymbolicName(), e.toString());
            return;
        }
        if (process == null) {
            tasks.execute(this::start);
        }
    }

    private synchronized void remove(Bundle b) {
        Path p = placed.remove(b.getSymbolicName());
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.error("Could not take {} out of the sandbox: {}", p, e.toString());
            }
        }
        importer.dropStandIns(b.getSymbolicName());
    }

    /** Starts the sandbox process (on the task thread). */
    private void start() {
        if (stopping || process != null && process.isAlive()) {
            return;
        }
        if (jar == null) {
            log.error("No container jar to start the sandbox from (set opsgi.sandbox.jar): untrusted kernels stay out of service");
            System.err.println("opsgi: cannot start the sandbox: no container jar (set opsgi.sandbox.jar); untrusted kernels stay out of service");
            return;
        }
        try {
            if (port == 0) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = s.getLocalPort();
                }
                link = importer.link(catalogId(), NAME);
                link.listen(new Link.Faults() {
                    @Override
                    public void failed(Link l, String bundle, boolean timeout, String what) {
                        if (timeout) {
                            hung(bundle, what);
                        }
                    }

                    @Override
                    public void unreachable(Link l) {
                        Process p = process;
                        if (p != null && p.isAlive()) {
                            log.error("The sandbox stopped answering: it is ended and started again");
                            kill(p);
                        }
                    }
                });
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--add-modules=jdk.incubator.vector");
            String vm = context.getProperty("opsgi.sandbox.vm");
            if (vm != null && !vm.isBlank()) {
                cmd.addAll(List.of(vm.trim().split("\\s+")));
            }
            Path storage = Files.createTempDirectory(dir, "felix-");
            cmd.addAll(List.of("-Djava.awt.headless=true", "-D" + KernelHost.PORT + "=" + port, "-Dopsgi.host.name=" + NAME,
                    "-Dopsgi.host.deploy-only=true", "-D" + KernelExporter.PARENT + "=" + ProcessHandle.current().pid(), "-Daries.rsa.hostname=127.0.0.1", "-Dopsgi.gate=off", "-Dopsgi.sandbox=off",
                    "-Dfelix.fileinstall.dir=" + deploy, "-Dfelix.fileinstall.poll=500", "-Dorg.osgi.framework.storage=" + storage,
                    "-Dfelix.cm.dir=" + dir.resolve("cm"), "-Dgosh.args=--nointeractive --noshutdown", "-Dgosh.home=" + dir,
                    "-Dorg.jline.terminal.dumb=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", QUIET_EXPORT_RACE,
                    "-jar", jar, "host", "--port", String.valueOf(port)));
            logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null").exists() ? new File("/dev/null") : logFile.toFile()))
                    .start();
            process = p;
            writeCatalogRecord();
            System.out.println("opsgi: sandbox started (pid " + p.pid() + ", port " + port + ", log " + logFile + ")");
            log.info("Sandbox started: pid {}, catalog on 127.0.0.1:{}", p.pid(), port);
            p.onExit().thenRun(() -> tasks.execute(() -> exited(p)));
        } catch (IOException | RuntimeException e) {
            log.error("Could not start the sandbox: {}", e.toString());
            System.err.println("opsgi: could not start the sandbox: " + e);
        }
    }

    /** A call to {@code bundle}'s kernel timed out: the sandbox is hung for it; end it (the exit handler restarts). */
    private void hung(String bundle, String what) {
        if (hungBundles.add(bundle)) {
            log.error("Sandbox kernel of {} did not answer in time ({}): the sandbox is ended and started again", bundle, what);
        }
        kill(process);
    }

    private synchronized void exited(Process p) {
        if (stopping || p != process) {
            return;
        }
        int status = p.exitValue();
        Set<String> blamed = new TreeSet<>(witnessed());
        String how;
        if (!blamed.isEmpty()) {
            how = "called System.exit";
        } else if (!hungBundles.isEmpty()) {
            blamed.addAll(hungBundles);
            how = "did not answer in time";
        } else {
            blamed.addAll(link.inFlight());
            how = "had a call running when it ended";
        }
        hungBundles.clear();
        String reason = "the sandbox ended (status " + status + ")" + (blamed.isEmpty() ? "" : "; " + blamed + " " + how);
        System.out.println("opsgi: " + reason + "; its kernels are quarantined and verified again after a restart");
        log.error("{}", reason);
        importer.withdraw(link, reason);
        for (String bundle : blamed) {
            String bsn = bundle.split(" ")[0];
            Bundle b = bundleNamed(bsn);
            String key = b == null ? bundle : strikeKey(b);
            int n = strikes.merge(key, 1, Integer::sum);
            if (n >= STRIKES_OUT) {
                Path jarFile = placed.remove(bsn);
                try {
                    if (jarFile != null) {
                        Files.deleteIfExists(jarFile);
                    }
                } catch (IOException e) {
                    log.error("Could not take {} out of the sandbox: {}", jarFile, e.toString());
                }
                String why = "it ended the sandbox " + n + " times (last: " + how + ")";
                importer.standIn(link, bundle, why);
                System.out.println("opsgi: " + bundle + " ended the sandbox " + n + " times (last: " + how + "); its kernels stay quarantined until its jar changes");
            }
        }
        process = null;
        if (placed.isEmpty()) {
            return; // nothing left to run
        }
        long now = System.currentTimeMillis();
        while (!restarts.isEmpty() && restarts.peekFirst() < now - 600_000) {
            restarts.removeFirst();
        }
        if (restarts.size() >= MAX_RESTARTS) {
            log.error("The sandbox ended {} times in ten minutes: not restarted; untrusted kernels stay out of service", restarts.size());
            System.err.println("opsgi: the sandbox ended " + restarts.size() + " times in ten minutes; it is not restarted again");
            return;
        }
        long backoff = Math.min(30_000, 1000L << Math.min(5, restarts.size()));
        restarts.addLast(now);
        tasks.schedule(this::start, backoff, TimeUnit.MILLISECONDS);
    }

    /** Bundles the sandbox's exit witness named since the last start. */
    private Collection<String> witnessed() {
        Set<String> out = new TreeSet<>();
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(logOffset, f.length() - 1_000_000);
            f.seek(from);
            byte[] tail = new byte[(int) (f.length() - from)];
            f.readFully(tail);
            Matcher m = WITNESS.matcher(new String(tail, StandardCharsets.UTF_8));
            while (m.find()) {
                out.add(m.group(1));
            }
        } catch (IOException e) {
            log.error("Could not read the sandbox log: {}", e.toString());
        }
        return out;
    }

    private String catalogId() {
        return "tcp://127.0.0.1:" + port;
    }

    private void writeCatalogRecord() throws IOException {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(RemoteConstants.ENDPOINT_ID, catalogId());
        props.put(Constants.OBJECTCLASS, new String[] {KernelHost.class.getName()});
        props.put(RemoteConstants.SERVICE_IMPORTED_CONFIGS, new String[] {"aries.tcp"});
        props.put(KernelImporter.NAME, NAME);
        props.put("osgi.basic.timeout", "5000");
        Configuration c = cm.getFactoryConfiguration(Endpoints.DISCOVERY_PID, "opsgi-sandbox", "?");
        if (c.getProperties() == null || !catalogId().equals(c.getProperties().get(RemoteConstants.ENDPOINT_ID))) {
            c.update(props);
        }
    }

    private void deleteCatalogRecord() {
        try {
            cm.getFactoryConfiguration(Endpoints.DISCOVERY_PID, "opsgi-sandbox", "?").delete();
        } catch (IOException | IllegalStateException e) {
            // the framework is stopping
        }
    }

    private Bundle bundleNamed(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                return b;
            }
        }
        return null;
    }

    private static String strikeKey(Bundle b) {
        return b.getSymbolicName() + " " + b.getVersion() + " " + TrustPolicy.sha256(b);
    }

    /** Ends the sandbox and anything it started; bounded wait. */
    private static void kill(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String containerJar(BundleContext context) {
        String jar = context.getProperty("opsgi.sandbox.jar");
        if (jar == null || jar.isBlank()) {
            String cp = System.getProperty("java.class.path", "");
            jar = cp.endsWith(".jar") && !cp.contains(File.pathSeparator) ? cp : null;
        }
        return jar == null ? null : new File(jar).getAbsolutePath();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    /** Untrusted kernel bundles never resolve here: none of their code runs in this container. */
    private final class Hook implements ResolverHook {
        @Override
        public void filterResolvable(Collection<BundleRevision> candidates) {
            candidates.removeIf(r -> trust.untrusted(r.getBundle()));
        }

        @Override
        public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
        }

        @Override
        public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
        }

        @Override
        public void end() {
        }
    }
}
