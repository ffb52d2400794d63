package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.runtime.KernelState;
import io.opsgi.runtime.KernelVerifier;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

/**
 * A reference that leaves while serving or while still pending verification (a bundle refresh stops it, starts it,
 * and can stop it again before its verification ends) is waited for, so a call does not fail in the moment no kernel
 * of its op is registered; a quarantined one is not.
 */
class ReferenceReturnTest {
    private static final long GRACE = Leases.REFERENCE_RETURN_GRACE_NANOS;
    private final Selection selection = new Selection();
    private final Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (p, m, a) -> m.getReturnType() == boolean.class ? false : null);
    private final GateState gate = new GateState(selection, new KernelEventPosts(), log);

    private Candidate reference(long serviceId) {
        return new Candidate(null, List.of("relu"), KernelVerifier.REFERENCE_VARIANT, 0, serviceId, "io.opsgi.kernel.activation.direct");
    }

    @Test
    void aReferenceRemovedWhilePendingIsWaitedFor() {
        Candidate c = reference(1);
        gate.add(c);
        assertTrue(c.state == KernelState.PENDING);
        gate.remove(1);
        assertTrue(selection.current().awaitsReference("relu", GRACE), "a pending reference gone in a refresh is expected back");
    }

    @Test
    void aServingReferenceRemovedIsWaitedForAndAQuarantinedOneIsNot() {
        Candidate serving = reference(2);
        gate.add(serving);
        serving.state = KernelState.VERIFIED;
        gate.remove(2);
        assertTrue(selection.current().awaitsReference("relu", GRACE));

        Candidate back = reference(3);
        gate.add(back); // back: no longer gone (pending again)
        back.state = KernelState.QUARANTINED;
        gate.remove(3);
        assertFalse(selection.current().awaitsReference("relu", GRACE), "a quarantined reference is not waited for");
    }
}
