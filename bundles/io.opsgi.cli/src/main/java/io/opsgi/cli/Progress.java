package io.opsgi.cli;

import java.io.PrintStream;

/**
 * Progress of long work on stderr, so stdout stays a clean report. On a terminal one line is
 * rewritten in place; otherwise (a log, a pipe) at most about ten lines are printed per task.
 * The script tells whether stderr is a terminal ({@code -Dopsgi.tty}): the JVM cannot, because
 * the container's stdin is never the terminal.
 */
final class Progress {
    private final PrintStream err;
    private final boolean tty;
    private final String label;
    private final int total;
    private int lastPrinted = -1;

    Progress(String label, int total) {
        this(System.err, Boolean.getBoolean("opsgi.tty"), label, total);
    }

    Progress(PrintStream err, boolean tty, String label, int total) {
        this.err = err;
        this.tty = tty;
        this.label = label;
        this.total = total;
    }

    /** {@code done} of {@code total} steps are finished. */
    void step(int done) {
        if (tty) {
            err.print("\r" + label + " " + done + "/" + total);
            if (done == total) {
                err.print("\r\033[K");
            }
            err.flush();
        } else if (done == total || done * 10 / total != lastPrinted * 10 / total) {
            if (total > 1) {
                err.println(label + " " + done + "/" + total);
            }
            lastPrinted = done;
        }
    }
}
