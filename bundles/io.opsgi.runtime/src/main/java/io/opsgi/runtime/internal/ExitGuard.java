package io.opsgi.runtime.internal;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * A kernel cannot end the container: a bundle that declares a kernel component and whose classes
 * call {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt} ({@link ExitCalls}) is kept
 * from resolving, by a resolver hook, so none of its code ever runs. Only kernel bundles are read:
 * kernels are where outside code enters the container, while the framework, the launcher and the
 * command line (which ends the JVM with its exit status on purpose) are the product itself. A kernel
 * bundle that resolved before this guard was registered (at startup) is checked when its kernel
 * service binds, and then never called.
 */
@Component(service = ExitGuard.class, immediate = true)
public final class ExitGuard {
    /** A refused kernel bundle: what it declares and where it would end the JVM. */
    record Refusal(long bundleId, String bundle, List<KernelDeclarations.Declared> kernels, String reason) {
    }

    private final Logger log;
    /** Verdicts per bundle id and last modification (an update is checked again); null reason: allowed. */
    private final Map<String, Refusal> verdicts = new ConcurrentHashMap<>();
    private final Map<Long, Refusal> refused = new ConcurrentHashMap<>();
    private volatile Consumer<Refusal> listener = r -> {
    };
    private final BundleContext context;
    private final ServiceRegistration<ResolverHookFactory> hook;

    @Activate
    public ExitGuard(@Reference(service = LoggerFactory.class) Logger log, BundleContext context) {
        this.log = log;
        this.context = context;
        this.hook = context.registerService(ResolverHookFactory.class, triggers -> new Hook(), null);
    }

    @Deactivate
    void deactivate() {
        hook.unregister();
    }

    /** Who hears of each refusal (the registry, which reports it like a quarantine). */
    void listen(Consumer<Refusal> l) {
        listener = l;
        refused.values().forEach(l);
    }

    /** Every bundle refused so far and not uninstalled. */
    Collection<Refusal> refused() {
        refused.values().removeIf(this::isGone);
        return List.copyOf(refused.values());
    }

    /** The refusal of {@code bundle}, or null if it may run (it declares no kernel, or ends nothing). */
    Refusal check(Bundle bundle) {
        if (bundle == null || bundle.getBundleId() == 0) {
            return null;
        }
        String key = bundle.getBundleId() + "@" + bundle.getLastModified();
        Refusal r = verdicts.computeIfAbsent(key, k -> judge(bundle));
        if (r.reason() == null) {
            refused.remove(bundle.getBundleId()); // an update that no longer ends the JVM
            return null;
        }
        if (refused.putIfAbsent(bundle.getBundleId(), r) == null) {
            log.error("Kernel bundle {} refused: {}", r.bundle(), r.reason());
            listener.accept(r);
        }
        return r;
    }

    private Refusal judge(Bundle bundle) {
        String name = bundle.getSymbolicName() + " " + bundle.getVersion();
        List<KernelDeclarations.Declared> kernels = KernelDeclarations.of(bundle);
        if (kernels.isEmpty()) {
            return new Refusal(bundle.getBundleId(), name, kernels, null);
        }
        try {
            List<String> found = ExitCalls.in(bundle);
            String reason = found.isEmpty() ? null : "its code would end the container: " + String.join("; ", found.subList(0, Math.min(3, found.size())))
                    + (found.size() > 3 ? "; and " + (found.size() - 3) + " more" : "");
            return new Refusal(bundle.getBundleId(), name, kernels, reason);
        } catch (IOException | RuntimeException e) {
            return new Refusal(bundle.getBundleId(), name, kernels, "its classes could not be read to check them: " + e);
        }
    }

    private boolean isGone(Refusal r) {
        Bundle b = context.getBundle(r.bundleId());
        return b == null || b.getState() == Bundle.UNINSTALLED;
    }

    /** Removes refused bundles from every resolve: an unresolved bundle loads no class and runs nothing. */
    private final class Hook implements ResolverHook {
        @Override
        public void filterResolvable(Collection<BundleRevision> candidates) {
            candidates.removeIf(revision -> check(revision.getBundle()) != null);
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
