package io.opsgi.runtime;

/** Where a kernel stands with respect to verification. */
public enum KernelState {
    /** Registered; no verification gate is installed, so it is eligible as it is. */
    UNVERIFIED,
    /** Being verified; not eligible yet. */
    PENDING,
    /** Passed verification; eligible. */
    VERIFIED,
    /** Failed verification or a call, threw, or timed out; never selected until released by an explicit command. */
    QUARANTINED;

    public boolean eligible() {
        return this == UNVERIFIED || this == VERIFIED;
    }
}
