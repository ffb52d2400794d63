package io.opsgi.runtime.internal;

import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands: {@code opsgi:list}, {@code opsgi:report <op> <variant>}, {@code opsgi:pin <op> <variant>},
 * {@code opsgi:unpin <op>}, {@code opsgi:reverify <op> <variant>}, {@code opsgi:release <op> <variant>},
 * and {@code exit} without a status (Gogo's own {@code exit} needs one).
 */
@Component(service = RegistryCommands.class, property = {"osgi.command.scope=opsgi", "osgi.command.function=list",
        "osgi.command.function=report", "osgi.command.function=pin", "osgi.command.function=unpin",
        "osgi.command.function=reverify", "osgi.command.function=release", "osgi.command.function=exit"})
public final class RegistryCommands {
    private static final String OP = "op, e.g. conv2d";
    private static final String VARIANT = "kernel variant, e.g. direct";

    @Reference
    private OperatorRegistry registry;

    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    @Descriptor("every op with its kernels: state, ranking, active (*) or pinned, and the last verification")
    public void list() {
        System.out.print(KernelTable.format(registry.kernels()));
    }

    @Descriptor("the last verification report of one kernel, in full")
    public void report(@Descriptor(OP) String op, @Descriptor(VARIANT) String variant) {
        KernelDescriptor k = registry.kernel(op, variant)
                .orElseThrow(() -> new IllegalArgumentException("no kernel " + variant + " for " + op + " is registered"));
        System.out.print(KernelTable.report(k));
    }

    @Descriptor("serve an op with one variant while it is eligible (kept in the configuration across restarts)")
    public void pin(@Descriptor(OP) String op, @Descriptor(VARIANT) String variant) {
        registry.pin(op, variant);
        System.out.println("pinned " + op + " to " + variant);
    }

    @Descriptor("remove the pin of an op")
    public void unpin(@Descriptor(OP) String op) {
        registry.clearPin(op).ifPresentOrElse(v -> System.out.println("unpinned " + op + " (was " + v + ")"),
                () -> System.out.println(op + " was not pinned; nothing to unpin"));
    }

    @Descriptor("verify a kernel again (it keeps its state meanwhile; failing quarantines it)")
    public void reverify(@Descriptor(OP) String op, @Descriptor(VARIANT) String variant) {
        registry.reverify(op, variant);
        System.out.println("verifying " + op + "/" + variant + " again; see opsgi:report " + op + " " + variant);
    }

    /** The only way out of quarantine: the kernel is verified again and serves only if it passes. */
    @Descriptor("release a quarantined kernel: it is verified again and serves only if it passes")
    public void release(@Descriptor(OP) String op, @Descriptor(VARIANT) String variant) {
        registry.release(op, variant);
        System.out.println("released " + op + "/" + variant + " from quarantine; it is pending verification");
    }

    @Descriptor("stop the container (status 0)")
    public void exit() throws BundleException {
        System.out.println("stopping the container");
        context.getBundle(0).stop();
    }
}
