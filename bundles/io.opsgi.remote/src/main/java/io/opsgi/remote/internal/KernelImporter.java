package io.opsgi.remote.internal;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.remote.KernelHost;
import io.opsgi.remote.RemoteKernel;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.remoteserviceadmin.RemoteConstants;

/**
 * The importing side. For every imported {@link KernelHost} (an endpoint configured through Aries RSA
 * config discovery: by the sandbox, or by an operator for a host on another machine) it polls the
 * catalog and keeps one config-discovery record per kernel endpoint, so the topology manager imports
 * each kernel as a {@link RemoteKernel}; every imported RemoteKernel is registered here as an ordinary
 * kernel of its family ({@link RemoteAdapter}), variant {@code <variant>@<host>}, which the registry's
 * gate verifies like any other. A host that stops answering is marked down and its kernels withdrawn;
 * when it answers again they are imported afresh and verified again before they serve.
 */
@Component(service = KernelImporter.class, immediate = true)
public final class KernelImporter {
    /** Marks the config-discovery records this component writes (one per kernel endpoint). */
    static final String KERNEL_RECORD = "opsgi.remote.kernel";
    /** Endpoint property naming a host in variant names, e.g. {@code sandbox}. */
    static final String NAME = "opsgi.remote.name";
    static final int POLL_MILLIS = 1000;
    static final int DOWN_AFTER_FAILURES = 3;

    private final Logger log;
    private final ConfigurationAdmin cm;
    private final BundleContext context;
    private final long callTimeoutMillis;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final Map<Long, ServiceRegistration<?>> adapters = new ConcurrentHashMap<>();
    /** Stand-ins of kernels that stay quarantined (their bundle ended the sandbox twice), per bundle. */
    private final Map<String, List<ServiceRegistration<?>>> standIns = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(daemon("opsgi-remote-call"));
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(daemon("opsgi-remote-catalog"));

    @Activate
    public KernelImporter(@Reference(service = LoggerFactory.class) Logger log, @Reference ConfigurationAdmin cm, BundleContext context) {
        this.log = log;
        this.cm = cm;
        this.context = context;
        String t = context.getProperty("opsgi.remote.timeout");
        this.callTimeoutMillis = t == null ? 60_000 : Long.parseLong(t.trim());
        deleteRecords(null); // a previous run's records (Config Admin keeps them across restarts)
    }

    @Deactivate
    void deactivate() {
        poller.shutdownNow();
        watches.values().forEach(w -> w.task.cancel(true));
        deleteRecords(null);
        adapters.values().forEach(KernelImporter::unregister);
        standIns.values().forEach(l -> l.forEach(KernelImporter::unregister));
        workers.shutdownNow();
    }

    /** The link of the catalog endpoint {@code id} (made on first use, e.g. by the sandbox before its host is up). */
    Link link(String id, String name) {
        return links.computeIfAbsent(id, k -> new Link(id, name));
    }

    @Reference(service = KernelHost.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindHost(ServiceReference<KernelHost> ref, KernelHost host) {
        if (ref.getProperty(RemoteConstants.SERVICE_IMPORTED) == null) {
            return; // this container's own catalog (host mode)
        }
        String id = String.valueOf(ref.getProperty(RemoteConstants.ENDPOINT_ID));
        Object n = ref.getProperty(NAME);
        Link link = link(id, n == null ? hostPort(id) : n.toString());
        Watch w = new Watch(link, host);
        Watch old = watches.put(id, w);
        if (old != null) {
            old.task.cancel(true);
        }
        w.task = poller.scheduleWithFixedDelay(w::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        log.info("Kernel host {} imported", link);
    }

    void unbindHost(ServiceReference<KernelHost> ref) {
        String id = String.valueOf(ref.getProperty(RemoteConstants.ENDPOINT_ID));
        Watch w = watches.remove(id);
        if (w != null) {
            w.task.cancel(true);
            w.link.down("its endpoint configuration was removed");
            deleteRecords(id);
        }
    }

    @Reference(service = RemoteKernel.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindRemote(ServiceReference<RemoteKernel> ref, RemoteKernel remote) {
        if (ref.getProperty(RemoteConstants.SERVICE_IMPORTED) == null) {
            return; // exported by this container (host mode), not imported
        }
        Object via = ref.getProperty(Endpoints.VIA);
        String endpoint = String.valueOf(ref.getProperty(RemoteConstants.ENDPOINT_ID));
        Link link = via == null ? link(endpoint, hostPort(endpoint)) : link(via.toString(), via.toString());
        Object variant = ref.getProperty(KernelInfo.VARIANT);
        Object ops = ref.getProperty(KernelInfo.OP);
        String bundle = String.valueOf(ref.getProperty(RemoteKernel.BUNDLE));
        Class<?> family;
        try {
            family = Class.forName(String.valueOf(ref.getProperty(RemoteKernel.FAMILY)), false, Kernel.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            log.error("Ignoring remote kernel {} from {}: its family {} is not a kernel interface here", variant, link, ref.getProperty(RemoteKernel.FAMILY));
            return;
        }
        if (variant == null || ops == null || !family.isInterface() || !Kernel.class.isAssignableFrom(family)) {
            log.error("Ignoring remote kernel {} from {}: it needs opsgi.op, opsgi.variant and a kernel family", variant, link);
            return;
        }
        String name = variant + "@" + link.name;
        Object kernel = Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class, family},
                new RemoteAdapter(family, remote, link, bundle, name, workers));
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(KernelInfo.OP, ops);
        props.put(KernelInfo.VARIANT, name);
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        props.put(Constants.SERVICE_RANKING, ranking instanceof Integer i ? i : 0);
        props.put(RemoteKernel.BUNDLE, bundle + " on " + link.name);
        props.put(RemoteConstants.ENDPOINT_ID, endpoint);
        adapters.put((Long) ref.getProperty(Constants.SERVICE_ID),
                context.registerService(new String[] {Kernel.class.getName(), family.getName()}, kernel, props));
        log.info("Remote kernel {} for {} imported from {} ({})", name, ops, link, endpoint);
    }

    void unbindRemote(ServiceReference<RemoteKernel> ref) {
        ServiceRegistration<?> r = adapters.remove((Long) ref.getProperty(Constants.SERVICE_ID));
        if (r != null) {
            unregister(r);
        }
    }

    /** Withdraws every kernel imported through {@code link} (its records go; the topology manager unimports them). */
    void withdraw(Link link, String reason) {
        link.down(reason);
        deleteRecords(link.id);
    }

    /**
     * Keeps {@code bundle}'s kernels (as last listed by {@code link}) registered as stand-ins whose every call
     * fails with {@code reason}: the gate quarantines them with that reason, and {@code ./opsgi list} shows them.
     */
    void standIn(Link link, String bundle, String reason) {
        Watch w = watches.get(link.id);
        List<Map<String, Object>> listed = w == null ? List.of() : w.listed;
        List<ServiceRegistration<?>> regs = new ArrayList<>();
        for (Map<String, Object> e : listed) {
            if (!bundle.equals(e.get(RemoteKernel.BUNDLE))) {
                continue;
            }
            try {
                Class<?> family = Class.forName(String.valueOf(e.get(RemoteKernel.FAMILY)), false, Kernel.class.getClassLoader());
                String name = e.get(KernelInfo.VARIANT) + "@" + link.name;
                Object kernel = Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class, family}, (p, m, a) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return m.getName().equals("equals") ? p == a[0] : m.getName().equals("hashCode") ? System.identityHashCode(p) : name;
                    }
                    throw new IllegalStateException(name + " stays quarantined: " + reason);
                });
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(KernelInfo.OP, e.get(KernelInfo.OP));
                props.put(KernelInfo.VARIANT, name);
                props.put(Constants.SERVICE_RANKING, e.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0);
                props.put(RemoteKernel.BUNDLE, bundle + " on " + link.name);
                regs.add(context.registerService(new String[] {Kernel.class.getName(), family.getName()}, kernel, props));
            } catch (ClassNotFoundException ex) {
                log.error("No stand-in for {}: {}", bundle, ex.toString());
            }
        }
        List<ServiceRegistration<?>> old = standIns.put(bundle, regs);
        if (old != null) {
            old.forEach(KernelImporter::unregister);
        }
    }

    void dropStandIns(String bundleName) {
        standIns.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(bundleName + " ")) {
                e.getValue().forEach(KernelImporter::unregister);
                return true;
            }
            return false;
        });
    }

    /** Polls one host's catalog: liveness, and the set of kernel endpoints to import. */
    private final class Watch {
        final Link link;
        final KernelHost host;
        volatile ScheduledFuture<?> task;
        volatile List<Map<String, Object>> listed = List.of();
        private int failures;
        private boolean everUp;

        Watch(Link link, KernelHost host) {
            this.link = link;
            this.host = host;
        }

        void poll() {
            List<Map<String, Object>> kernels;
            try {
                // the catalog endpoint's own socket timeout may be minutes (an operator's record): bounded here
                Future<List<Map<String, Object>>> f = workers.submit(() -> {
                    host.ping();
                    return host.kernels();
                });
                kernels = f.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (Boolean.getBoolean("opsgi.debug")) {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        System.err.println("opsgi: catalog of " + link + " did not answer: " + t);
                    }
                }
                if (everUp && ++failures == DOWN_AFTER_FAILURES && link.downReason() == null) {
                    log.error("Kernel host {} stopped answering ({}); its kernels are withdrawn until it answers again", link, e.getCause() == null ? e : e.getCause());
                    withdraw(link, "its host " + link.name + " stopped answering");
                    link.unreachable();
                }
                return;
            }
            failures = 0;
            everUp = true;
            if (link.downReason() != null) {
                log.info("Kernel host {} answers again; its kernels are imported and verified afresh", link);
                link.up();
            }
            if (Boolean.getBoolean("opsgi.debug") && kernels.size() != listed.size()) {
                System.err.println("opsgi: catalog of " + link + " lists " + kernels.size() + " kernels");
            }
            listed = kernels;
            sync(link, kernels);
        }
    }

    /** Makes the config-discovery records of {@code link} exactly those of {@code kernels}. */
    private synchronized void sync(Link link, List<Map<String, Object>> kernels) {
        try {
            Map<String, Configuration> have = new HashMap<>();
            for (Configuration c : records(link.id)) {
                have.put(String.valueOf(c.getProperties().get(RemoteConstants.ENDPOINT_ID)), c);
            }
            for (Map<String, Object> k : kernels) {
                String endpoint = String.valueOf(k.get(RemoteConstants.ENDPOINT_ID));
                if (have.remove(endpoint) != null) {
                    continue;
                }
                Hashtable<String, Object> props = new Hashtable<>(Endpoints.plain(k));
                props.put(Endpoints.VIA, link.id);
                props.put(KERNEL_RECORD, true);
                props.put("osgi.basic.timeout", String.valueOf(callTimeoutMillis));
                cm.getFactoryConfiguration(Endpoints.DISCOVERY_PID, recordName(link.id, endpoint), "?").update(props);
            }
            for (Configuration gone : have.values()) {
                gone.delete();
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            log.error("Could not update the endpoint records of {}: {}", link, e.toString());
            System.err.println("opsgi: could not update the endpoint records of " + link + ": " + e);
        }
    }

    private Configuration[] records(String via) throws IOException, org.osgi.framework.InvalidSyntaxException {
        String filter = "(&(service.factoryPid=" + Endpoints.DISCOVERY_PID + ")(" + KERNEL_RECORD + "=true)"
                + (via == null ? "" : "(" + Endpoints.VIA + "=" + escape(via) + ")") + ")";
        Configuration[] found = cm.listConfigurations(filter);
        return found == null ? new Configuration[0] : found;
    }

    private synchronized void deleteRecords(String via) {
        try {
            for (Configuration c : records(via)) {
                c.delete();
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            log.error("Could not delete endpoint records: {}", e.toString());
        }
    }

    private static String recordName(String via, String endpoint) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((via + " " + endpoint).getBytes(StandardCharsets.UTF_8));
            return "opsgi-" + HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\5c").replace("(", "\\28").replace(")", "\\29").replace("*", "\\2a");
    }

    private static String hostPort(String endpointId) {
        return endpointId.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException gone) {
            // already unregistered, or the framework is stopping
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Test and diagnostics view: the links known now. */
    Set<String> links() {
        return Set.copyOf(links.keySet());
    }
}
