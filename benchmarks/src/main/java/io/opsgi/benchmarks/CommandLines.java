package io.opsgi.benchmarks;

import picocli.CommandLine;

/** The benchmark commands' one way to read their options with picocli. */
final class CommandLines {
    private CommandLines() {
    }

    /**
     * {@code options} filled from {@code args}, or null when help was asked for (and printed); a bad
     * option ends the JVM with one line naming the command, and status 2.
     */
    static <T> T parseOrExit(String command, T options, String[] args) {
        CommandLine cl = new CommandLine(options);
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println(command + ": " + e.getMessage());
            System.exit(2);
        }
        return CommandLine.printHelpIfRequested(cl.getParseResult()) ? null : options;
    }
}
