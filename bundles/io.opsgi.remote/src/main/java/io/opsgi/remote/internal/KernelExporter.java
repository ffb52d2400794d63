package io.opsgi.remote.internal;

import io.opsgi.op.Kernel;
import io.opsgi.op.KernelInfo;
import io.opsgi.remote.KernelHost;
import io.opsgi.remote.RemoteKernel;
import java.io.File;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.remoteserviceadmin.RemoteConstants;
import org.osgi.service.remoteserviceadmin.RemoteServiceAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The kernel-host side ({@code ./opsgi host --port P}, and the sandbox): when the framework property
 * {@link KernelHost#PORT} is set, every kernel service of this container (in the sandbox: only those
 * from its deploy folder, the untrusted ones) is exported as a {@link RemoteKernel} over Aries RSA's
 * TCP provider on a port of its own, and a {@link KernelHost} catalog listing them on port P.
 * Optional framework properties: {@code opsgi.host.kernels} (a regular expression on {@code op/variant}),
 * {@code opsgi.host.deploy-only} (true in the sandbox), {@code opsgi.host.name} (what {@code ping} says).
 */
@Component(immediate = true)
public final class KernelExporter {
    /** Framework property: the process that started this host (the sandbox's container); when it ends, so does this one. */
    static final String PARENT = "opsgi.host.parent";

    private final Map<ServiceReference<Kernel>, ServiceRegistration<RemoteKernel>> exported = new ConcurrentHashMap<>();
    private ServiceTracker<Kernel, Kernel> kernels;
    private ServiceRegistration<KernelHost> catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RemoteServiceAdmin rsa;

    @Activate
    void activate(BundleContext context) {
        String port = context.getProperty(KernelHost.PORT);
        if (port == null || port.isBlank()) {
            return; // an ordinary container: it imports, it does not serve
        }
        String parent = context.getProperty(PARENT);
        if (parent != null) {
            // A sandbox never outlives its container, however that one ends (kill -9 included).
            ProcessHandle.of(Long.parseLong(parent.trim())).ifPresentOrElse(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
                    () -> Runtime.getRuntime().halt(0));
        }
        String name = String.valueOf(context.getProperty("opsgi.host.name"));
        String only = context.getProperty("opsgi.host.kernels");
        Pattern pattern = only == null || only.isBlank() ? null : Pattern.compile(only);
        boolean deployOnly = Boolean.parseBoolean(context.getProperty("opsgi.host.deploy-only"));
        String deploy = TrustPolicy.deployPrefix(context);
        kernels = new ServiceTracker<>(context, Kernel.class, null) {
            @Override
            public Kernel addingService(ServiceReference<Kernel> ref) {
                Kernel k = context.getService(ref);
                List<String> ops = strings(ref.getProperty(KernelInfo.OP));
                Object variant = ref.getProperty(KernelInfo.VARIANT);
                Bundle b = ref.getBundle();
                if (k == null || ops.isEmpty() || variant == null || b == null) {
                    return k;
                }
                if (deployOnly && (deploy == null || !b.getLocation().startsWith(deploy))) {
                    return k;
                }
                if (pattern != null && ops.stream().noneMatch(op -> pattern.matcher(op + "/" + variant).matches())) {
                    return k;
                }
                Class<?> family = family(k, ref);
                if (family == null) {
                    return k;
                }
                String uncarried = Calls.uncarried(family);
                if (uncarried != null) {
                    // e.g. the binary and matmul families take geometry classes that are not records yet
                    System.err.println("opsgi host: " + variant + " (" + String.join(",", ops) + ") is not exported: " + uncarried
                            + ", which cannot cross a process boundary");
                    return k;
                }
                String bundle = b.getSymbolicName() + " " + b.getVersion();
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(RemoteConstants.SERVICE_EXPORTED_INTERFACES, RemoteKernel.class.getName());
                props.put(RemoteConstants.SERVICE_EXPORTED_CONFIGS, "aries.tcp");
                props.put("aries.rsa.port", "0"); // a free port per kernel: the catalog tells which
                props.put(KernelInfo.OP, ops.toArray(String[]::new));
                props.put(KernelInfo.VARIANT, variant.toString());
                props.put(RemoteKernel.FAMILY, family.getName());
                props.put(RemoteKernel.BUNDLE, bundle);
                String sha = TrustPolicy.sha256(b);
                if (sha != null) {
                    props.put(RemoteKernel.SHA256, sha);
                }
                Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
                props.put(Constants.SERVICE_RANKING, ranking instanceof Integer i ? i : 0);
                exported.put(ref, context.registerService(RemoteKernel.class, new ExportedKernel(family, k, bundle), props));
                System.out.println("opsgi host: exporting " + ops + " " + variant + " from " + bundle);
                return k;
            }

            @Override
            public void removedService(ServiceReference<Kernel> ref, Kernel k) {
                ServiceRegistration<RemoteKernel> r = exported.remove(ref);
                if (r != null) {
                    try {
                        r.unregister();
                    } catch (IllegalStateException gone) {
                        // the framework is stopping
                    }
                }
                context.ungetService(ref);
            }
        };
        kernels.open();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(RemoteConstants.SERVICE_EXPORTED_INTERFACES, KernelHost.class.getName());
        props.put(RemoteConstants.SERVICE_EXPORTED_CONFIGS, "aries.tcp");
        props.put("aries.rsa.port", port);
        catalog = context.registerService(KernelHost.class, new HostCatalog(name + " pid " + ProcessHandle.current().pid(), () -> rsa), props);
        System.out.println("opsgi host: " + name + " serving its kernel catalog on port " + port);
    }

    @Deactivate
    void deactivate() {
        if (catalog != null) {
            try {
                catalog.unregister();
            } catch (IllegalStateException gone) {
                // the framework is stopping
            }
        }
        if (kernels != null) {
            kernels.close();
        }
    }

    /** The kernel's family interface: the one of its registered interfaces that extends {@link Kernel}. */
    private static Class<?> family(Kernel k, ServiceReference<Kernel> ref) {
        for (String name : (String[]) ref.getProperty(Constants.OBJECTCLASS)) {
            for (Class<?> c : k.getClass().getInterfaces()) {
                if (c.getName().equals(name) && c != Kernel.class && Kernel.class.isAssignableFrom(c)) {
                    return c;
                }
            }
        }
        return null;
    }

    static List<String> strings(Object v) {
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof String[] a) {
            return Arrays.asList(a);
        }
        return List.of();
    }

    static String path(Bundle b) {
        String loc = b.getLocation();
        return loc.startsWith("file:") ? new File(java.net.URI.create(loc)).getPath() : null;
    }
}
