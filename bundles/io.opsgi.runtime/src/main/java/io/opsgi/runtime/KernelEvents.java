package io.opsgi.runtime;

/**
 * Event Admin topics the runtime posts, so a monitor can follow the gate: subscribe to
 * {@code io/opsgi/kernel/*}. Every event carries {@link #OP} (String[]), {@link #VARIANT},
 * {@link #BUNDLE}, {@link #SERVICE_ID}, {@link #STATE} and, after a verdict, {@link #REPORT}.
 */
public final class KernelEvents {
    public static final String TOPIC_PREFIX = "io/opsgi/kernel/";
    /** A kernel arrived and waits for verification. */
    public static final String PENDING = TOPIC_PREFIX + "PENDING";
    /** A kernel passed verification and is eligible. */
    public static final String VERIFIED = TOPIC_PREFIX + "VERIFIED";
    /** A kernel failed verification or a call, threw, or overran the time limit. */
    public static final String QUARANTINED = TOPIC_PREFIX + "QUARANTINED";
    /** A quarantined kernel was released by an explicit command (it is verified again). */
    public static final String RELEASED = TOPIC_PREFIX + "RELEASED";
    /** A kernel's service went away. */
    public static final String REMOVED = TOPIC_PREFIX + "REMOVED";
    /** The kernel serving new calls of an op changed ({@link #OP} names that one op). */
    public static final String ACTIVATED = TOPIC_PREFIX + "ACTIVATED";

    public static final String OP = "op";
    public static final String VARIANT = "variant";
    public static final String BUNDLE = "bundle";
    public static final String SERVICE_ID = "service.id";
    public static final String STATE = "state";
    public static final String REPORT = "report";

    private KernelEvents() {
    }
}
