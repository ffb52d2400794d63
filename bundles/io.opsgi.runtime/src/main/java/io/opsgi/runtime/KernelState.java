package io.opsgi.runtime;

/** Where a kernel stands with respect to verification. */
public enum KernelState {
    /** Registered; no verification gate is installed, so it is eligible as it is. */
    UNVERIFIED,
    /** Being verified; not eligible yet. */
    PENDING,
    /** Passed verification; eligible. */
    VERIFIED,
    /** Failed, threw or timed out; never selected until released. */
    QUARANTINED;

    public boolean eligible() {
        return this == UNVERIFIED || this == VERIFIED;
    }
}
