package io.opsgi.runtime.internal;

import io.opsgi.runtime.KernelEvents;
import io.opsgi.runtime.VerificationReport;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts the gate's {@link KernelEvents}. Callers post while holding the gate state's monitor, state
 * event before the activations it causes: Event Admin delivers asynchronous events from one thread
 * in posting order, so a monitor sees them in causal order.
 */
final class KernelEventPosts {
    private volatile EventAdmin eventAdmin;

    void use(EventAdmin ea) {
        eventAdmin = ea;
    }

    void drop(EventAdmin ea) {
        if (eventAdmin == ea) {
            eventAdmin = null;
        }
    }

    /** {@code topic} for every op of {@code c}. */
    void post(String topic, Candidate c) {
        post(topic, c, c.ops.toArray(String[]::new));
    }

    /** {@code topic} for one op of {@code c}. */
    void post(String topic, Candidate c, String op) {
        post(topic, c, new String[] {op});
    }

    private void post(String topic, Candidate c, String[] ops) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(KernelEvents.OP, ops);
        props.put(KernelEvents.VARIANT, c.variant());
        props.put(KernelEvents.BUNDLE, c.bundle);
        props.put(KernelEvents.SERVICE_ID, c.serviceId());
        props.put(KernelEvents.STATE, c.state.name());
        VerificationReport r = c.report;
        if (r != null) {
            props.put(KernelEvents.REPORT, r.text());
        }
        ea.postEvent(new Event(topic, props));
    }
}
