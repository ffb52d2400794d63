package io.opsgi.cli;

import io.opsgi.runtime.KernelTable;
import io.opsgi.runtime.OperatorRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.osgi.framework.BundleContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The {@code ./opsgi} commands. Each returns the process exit status. */
@Command(name = "opsgi", mixinStandardHelpOptions = true, version = "opsgi 0.1.0",
        description = "CNN operators as hot-swappable OSGi bundles, verified against PyTorch.",
        subcommands = {Commands.ListKernels.class, Commands.Report.class, Commands.Pin.class, Commands.Unpin.class, Verify.class, Summary.class, Run.class,
            Commands.Shell.class, Commands.Host.class, HelpCommand.class})
final class Commands {
    final OperatorRegistry registry;
    final BundleContext context;

    private Commands(OperatorRegistry registry, BundleContext context) {
        this.registry = registry;
        this.context = context;
    }

    static int execute(OperatorRegistry registry, BundleContext context, String[] args) {
        CommandLine cl = new CommandLine(new Commands(registry, context));
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setExecutionExceptionHandler(Commands::oneLine);
        int status = cl.execute(args);
        System.out.flush();
        return status;
    }

    /**
     * A command that broke down says so in one line naming the command; the trace is for
     * developers ({@code -Dopsgi.debug=true}).
     */
    static int oneLine(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (Boolean.getBoolean("opsgi.debug")) {
            e.printStackTrace();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        cl.getErr().println(cl.getCommandName() + ": " + message.lines().findFirst().orElse(""));
        return 1;
    }

    /** How long list and report wait for kernels still pending verification. */
    static final long SETTLE_MILLIS = 180_000;

    /**
     * Listed for the help only: the launcher starts the Gogo shell itself when the first argument
     * is {@code shell} ({@link CommandLineRunner} registers no command then).
     */
    @Command(name = "shell", mixinStandardHelpOptions = true, description = "Start the interactive Gogo shell (opsgi:list, opsgi:pin, "
            + "opsgi:reverify, opsgi:release, lb, ...; Tab completes, Up recalls history, exit leaves).")
    static final class Shell implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println("shell: start it as the first argument: ./opsgi shell");
            return 2;
        }
    }

    @Command(name = "host", mixinStandardHelpOptions = true, description = "Serve this container's kernels to other containers over "
            + "OSGi Remote Services (Aries RSA, TCP) until stopped (Ctrl-C): a kernel catalog on port P, each kernel on a port of its own. "
            + "Import it in another container with an Aries RSA config discovery record (README: Remote hosts). "
            + "The ./opsgi script sets the JVM up for it (opsgi.host.port, aries.rsa.hostname, the gate off: importers verify).")
    static final class Host implements Callable<Integer> {
        @ParentCommand
        Commands opsgi;
        @picocli.CommandLine.Option(names = "--port", required = true, description = "the catalog's TCP port")
        int port;
        @picocli.CommandLine.Option(names = "--name", description = "the address importers reach this host at (default: this machine's address)")
        String name;
        @picocli.CommandLine.Option(names = "--kernels", description = "serve only kernels whose op/variant matches this regular expression")
        String kernels;

        @Override
        public Integer call() throws InterruptedException {
            String set = opsgi.context.getProperty("opsgi.host.port");
            if (set == null || !set.equals(String.valueOf(port))) {
                System.err.println("host: start it with ./opsgi host --port " + port + " (the JVM needs -Dopsgi.host.port=" + port + ")");
                return 2;
            }
            System.out.println("opsgi host: serving on port " + port + " until stopped (Ctrl-C)");
            while (true) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print every op, its kernel variants, their ranking, verification state and last "
            + "verification, and which is active (*). Waits for pending verifications first.")
    static final class ListKernels implements Callable<Integer> {
        @ParentCommand
        Commands opsgi;

        @Override
        public Integer call() throws InterruptedException {
            boolean settled = opsgi.registry.awaitSettled(SETTLE_MILLIS);
            System.out.print(KernelTable.format(opsgi.registry.kernels()));
            if (!settled) {
                System.err.println("some kernels are still pending verification");
            }
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Print one kernel's state and its last verification report in full.")
    static final class Report implements Callable<Integer> {
        @ParentCommand
        Commands opsgi;
        @Parameters(index = "0", description = "op, e.g. conv2d")
        String op;
        @Parameters(index = "1", description = "variant, e.g. direct")
        String variant;

        @Override
        public Integer call() throws InterruptedException {
            opsgi.registry.awaitSettled(SETTLE_MILLIS);
            var found = opsgi.registry.kernel(op, variant);
            if (found.isEmpty()) {
                System.err.println("no kernel " + variant + " for " + op + " is registered; see ./opsgi list");
                return 2;
            }
            System.out.print(KernelTable.report(found.get()));
            return 0;
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, description = "Pin a variant for an op (persists in the container's configuration).")
    static final class Pin implements Callable<Integer> {
        @ParentCommand
        Commands opsgi;
        @Parameters(index = "0", description = "op, e.g. conv2d")
        String op;
        @Parameters(index = "1", description = "variant, e.g. direct")
        String variant;

        @Override
        public Integer call() {
            try {
                opsgi.registry.pin(op, variant);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            System.out.println("pinned " + op + " to " + variant);
            return 0;
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true, description = "Remove the pin of an op.")
    static final class Unpin implements Callable<Integer> {
        @ParentCommand
        Commands opsgi;
        @Parameters(index = "0", description = "op")
        String op;

        @Override
        public Integer call() {
            var was = opsgi.registry.clearPin(op);
            System.out.println(was.isPresent() ? "unpinned " + op + " (was " + was.get() + ")" : op + " was not pinned; nothing to unpin");
            return 0;
        }
    }
}
