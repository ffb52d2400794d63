package io.opsgi.runtime.internal;

import io.opsgi.runtime.KernelEvents;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Prints quarantines, releases and changes of the kernel serving an op on the console as they happen,
 * while an interactive shell runs (the {@code opsgi} script passes {@code gosh.args} without
 * {@code --nointeractive} only for the shell, so a one-shot command's output stays clean). The first
 * kernel to serve an op is not news; every later change is.
 */
@Component(property = EventConstants.EVENT_TOPIC + "=" + KernelEvents.TOPIC_PREFIX + "*")
public final class ShellAnnouncements implements EventHandler {
    private final Map<String, String> serving = new ConcurrentHashMap<>();
    private boolean interactive;
    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        String gosh = context.getProperty("gosh.args");
        interactive = gosh != null && !gosh.contains("--nointeractive") && !gosh.contains("-c");
    }

    @Override
    public void handleEvent(Event event) {
        String line = announcement(event, serving);
        // While the container stops, kernels leave one by one: that is not news.
        if (interactive && line != null && context.getBundle(0).getState() == Bundle.ACTIVE) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** The line an event deserves on the console, or null; {@code serving} remembers each op's kernel. */
    static String announcement(Event event, Map<String, String> serving) {
        String[] ops = (String[]) event.getProperty(KernelEvents.OP);
        String variant = (String) event.getProperty(KernelEvents.VARIANT);
        String what = String.join(",", ops) + "/" + variant + " (" + event.getProperty(KernelEvents.BUNDLE) + ")";
        switch (event.getTopic()) {
            case KernelEvents.QUARANTINED: {
                String report = (String) event.getProperty(KernelEvents.REPORT);
                String first = report == null ? "" : ": " + report.lines().findFirst().orElse("");
                return "opsgi: quarantined " + what + first + "; see opsgi:report " + ops[0] + " " + variant;
            }
            case KernelEvents.RELEASED:
                return "opsgi: released " + what + " from quarantine; verifying it again";
            case KernelEvents.ACTIVATED: {
                String before = serving.put(ops[0], variant);
                return before == null || before.equals(variant) ? null
                        : "opsgi: " + ops[0] + " is now served by " + variant + " (was " + before + ")";
            }
            default:
                return null;
        }
    }
}
