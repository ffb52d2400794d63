package io.opsgi.runtime.internal;

import io.opsgi.runtime.KernelDescriptor;
import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands: {@code opsgi:list}, {@code opsgi:report <op> <variant>}, {@code opsgi:pin <op> <variant>},
 * {@code opsgi:unpin <op>}, {@code opsgi:reverify <op> <variant>}, {@code opsgi:release <op> <variant>}.
 */
@Component(service = RegistryCommands.class, property = {"osgi.command.scope=opsgi", "osgi.command.function=list",
        "osgi.command.function=report", "osgi.command.function=pin", "osgi.command.function=unpin",
        "osgi.command.function=reverify", "osgi.command.function=release"})
public final class RegistryCommands {
    @Reference
    private OperatorRegistry registry;

    /** Every op with its kernels, their state and last verification; {@code *} marks the active one. */
    public void list() {
        System.out.print(KernelTable.format(registry.kernels()));
    }

    /** The last verification report of one kernel, in full. */
    public void report(String op, String variant) {
        KernelDescriptor k = registry.kernel(op, variant)
                .orElseThrow(() -> new IllegalArgumentException("no kernel " + variant + " for " + op + " is registered"));
        System.out.print(KernelTable.report(k));
    }

    public void pin(String op, String variant) {
        registry.pin(op, variant);
        System.out.println("pinned " + op + " to " + variant);
    }

    public void unpin(String op) {
        registry.unpin(op);
        System.out.println("unpinned " + op);
    }

    public void reverify(String op, String variant) {
        registry.reverify(op, variant);
        System.out.println("verifying " + op + "/" + variant + " again; see opsgi:report " + op + " " + variant);
    }

    /** The only way out of quarantine: the kernel is verified again and serves only if it passes. */
    public void release(String op, String variant) {
        registry.release(op, variant);
        System.out.println("released " + op + "/" + variant + " from quarantine; it is pending verification");
    }
}
