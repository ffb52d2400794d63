package io.opsgi.itest;

import io.opsgi.runtime.KernelEvents;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** The gate's Event Admin posts as a test sees them, each as {@code "TOPIC variant op,op"} (e.g. {@code "ACTIVATED vector relu"}). */
final class KernelEventLog implements AutoCloseable {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ServiceRegistration<EventHandler> listener;

    private KernelEventLog(BundleContext context) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, KernelEvents.TOPIC_PREFIX + "*");
        listener = context.registerService(EventHandler.class, e -> events.add(e.getTopic().substring(KernelEvents.TOPIC_PREFIX.length())
                + " " + e.getProperty(KernelEvents.VARIANT) + " " + String.join(",", (String[]) e.getProperty(KernelEvents.OP))), props);
    }

    /** Starts listening to every kernel event. */
    static KernelEventLog listen(BundleContext context) {
        return new KernelEventLog(context);
    }

    boolean contains(String event) {
        return events.contains(event);
    }

    /** The events seen so far, in the order Event Admin delivered them. */
    List<String> all() {
        return List.copyOf(events);
    }

    @Override
    public String toString() {
        return events.toString();
    }

    @Override
    public void close() {
        listener.unregister();
    }
}
