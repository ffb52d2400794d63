package io.opsgi.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * {@code ./opsgi summary} in plain Java, without the container: a summary reads a description and
 * the op contracts only, so starting the framework, every kernel and the verification gate would
 * only cost time (measured 14-18 s in the container against 2.2-3.2 s here, 2 cores at load average
 * 13). The script runs this class on the jars it unpacks from the container jar.
 */
public final class Standalone {
    private Standalone() {
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Summary());
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setExecutionExceptionHandler(Commands::oneLine);
        int status = cl.execute(args);
        System.out.flush();
        System.exit(status);
    }
}
