package io.opsgi.runtime.internal;

import io.opsgi.runtime.OperatorRegistry;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Pins as Config Admin keeps them: {@code pin.<op> = <variant>} in the registry's configuration. */
final class Pins {
    private Pins() {
    }

    /** The pins in a configuration (blank values pin nothing). */
    static Map<String, String> from(Map<String, ?> config) {
        Map<String, String> pins = new TreeMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(OperatorRegistry.PIN_PREFIX) && v != null && !v.toString().isBlank()) {
                pins.put(k.substring(OperatorRegistry.PIN_PREFIX.length()), v.toString().trim());
            }
        });
        return Map.copyOf(pins);
    }

    /** Stores {@code variant} as the pin of {@code op}, or removes the pin when {@code variant} is null. */
    static void store(ConfigurationAdmin ca, String op, String variant) {
        if (ca == null) {
            throw new IllegalStateException("pinning needs Config Admin, which is not running");
        }
        try {
            Configuration cfg = ca.getConfiguration(OperatorRegistry.PID, "?");
            Dictionary<String, Object> props = cfg.getProperties();
            Dictionary<String, Object> next = new Hashtable<>();
            if (props != null) {
                for (var keys = props.keys(); keys.hasMoreElements();) {
                    String k = keys.nextElement();
                    next.put(k, props.get(k));
                }
            }
            if (variant == null) {
                next.remove(OperatorRegistry.PIN_PREFIX + op);
            } else {
                next.put(OperatorRegistry.PIN_PREFIX + op, variant);
            }
            cfg.update(next);
        } catch (IOException e) {
            throw new IllegalStateException("could not update configuration " + OperatorRegistry.PID + ": " + e.getMessage(), e);
        }
    }
}
