package io.opsgi.runtime.internal;

import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands: {@code opsgi:list}, {@code opsgi:pin <op> <variant>}, {@code opsgi:unpin <op>}. */
@Component(service = RegistryCommands.class, property = {"osgi.command.scope=opsgi", "osgi.command.function=list",
        "osgi.command.function=pin", "osgi.command.function=unpin"})
public final class RegistryCommands {
    @Reference
    private OperatorRegistry registry;

    /** Every op with its kernels; {@code *} marks the active one. */
    public void list() {
        System.out.print(KernelTable.format(registry.kernels()));
    }

    public void pin(String op, String variant) {
        registry.pin(op, variant);
        System.out.println("pinned " + op + " to " + variant);
    }

    public void unpin(String op) {
        registry.unpin(op);
        System.out.println("unpinned " + op);
    }
}
