package io.opsgi.runtime;

/** No eligible kernel serves the requested op. */
public final class NoKernelException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NoKernelException(String op) {
        super("no eligible kernel serves op '" + op + "'");
    }
}
