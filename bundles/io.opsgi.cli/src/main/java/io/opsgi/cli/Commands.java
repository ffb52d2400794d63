package io.opsgi.cli;

import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The {@code ./opsgi} commands. Each returns the process exit status. */
@Command(name = "opsgi", mixinStandardHelpOptions = true, version = "opsgi 0.1.0",
        description = "CNN operators as hot-swappable OSGi bundles, verified against PyTorch.",
        subcommands = {Commands.ListKernels.class, Commands.Pin.class, Commands.Unpin.class})
final class Commands {
    private final OperatorRegistry registry;

    private Commands(OperatorRegistry registry) {
        this.registry = registry;
    }

    static int execute(OperatorRegistry registry, String[] args) {
        CommandLine cl = new CommandLine(new Commands(registry), new Factory(registry));
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        int status = cl.execute(args);
        System.out.flush();
        return status;
    }

    /** Gives subcommands the registry. */
    private record Factory(OperatorRegistry registry) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == ListKernels.class) {
                return cls.cast(new ListKernels(registry));
            }
            if (cls == Pin.class) {
                return cls.cast(new Pin(registry));
            }
            if (cls == Unpin.class) {
                return cls.cast(new Unpin(registry));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    @Command(name = "list", description = "Print every op, its kernel variants, their ranking and state, and which is active (*).")
    static final class ListKernels implements Callable<Integer> {
        private final OperatorRegistry registry;

        ListKernels(OperatorRegistry registry) {
            this.registry = registry;
        }

        @Override
        public Integer call() {
            System.out.print(KernelTable.format(registry.kernels()));
            return 0;
        }
    }

    @Command(name = "pin", description = "Pin a variant for an op (persists in the container's configuration).")
    static final class Pin implements Callable<Integer> {
        private final OperatorRegistry registry;
        @Parameters(index = "0", description = "op, e.g. conv2d")
        String op;
        @Parameters(index = "1", description = "variant, e.g. direct")
        String variant;

        Pin(OperatorRegistry registry) {
            this.registry = registry;
        }

        @Override
        public Integer call() {
            registry.pin(op, variant);
            System.out.println("pinned " + op + " to " + variant);
            return 0;
        }
    }

    @Command(name = "unpin", description = "Remove the pin of an op.")
    static final class Unpin implements Callable<Integer> {
        private final OperatorRegistry registry;
        @Parameters(index = "0", description = "op")
        String op;

        Unpin(OperatorRegistry registry) {
            this.registry = registry;
        }

        @Override
        public Integer call() {
            registry.unpin(op);
            System.out.println("unpinned " + op);
            return 0;
        }
    }
}
