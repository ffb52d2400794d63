package io.opsgi.runtime.internal;

import io.opsgi.runtime.OperatorRegistry;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedServiceFactory;

/**
 * Pins as Config Admin keeps them: one factory configuration per op ({@value #FACTORY_PID}~op, with
 * {@code op} and {@code variant}), so pins of different ops are separate records and concurrent
 * {@code pin} commands, even from separate processes sharing the configuration folder, never
 * overwrite each other. The older form, {@code pin.<op> = <variant>} in the registry's own
 * configuration, is still read; a per-op record wins over it.
 */
final class Pins implements ManagedServiceFactory {
    static final String FACTORY_PID = OperatorRegistry.PID + ".pin";
    private static final String OP = "op";
    private static final String VARIANT = "variant";

    private final Consumer<Map<String, String>> onChange;
    /** Configuration pid -> op, variant. */
    private final Map<String, String[]> records = new ConcurrentHashMap<>();
    private volatile Map<String, String> legacy = Map.of();

    Pins(Consumer<Map<String, String>> onChange) {
        this.onChange = onChange;
    }

    /** The pins in the registry's own configuration (the older form). */
    void legacy(Map<String, ?> config) {
        legacy = fromRegistryConfiguration(config);
        onChange.accept(current());
    }

    /** Every pin now in force: op -> variant. */
    Map<String, String> current() {
        Map<String, String> pins = new TreeMap<>(legacy);
        records.values().forEach(r -> pins.put(r[0], r[1]));
        return Map.copyOf(pins);
    }

    @Override
    public String getName() {
        return "opsgi pins";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        Object op = properties.get(OP), variant = properties.get(VARIANT);
        if (op == null || variant == null || variant.toString().isBlank()) {
            records.remove(pid);
        } else {
            records.put(pid, new String[] {op.toString(), variant.toString().trim()});
        }
        onChange.accept(current());
    }

    @Override
    public void deleted(String pid) {
        records.remove(pid);
        onChange.accept(current());
    }

    static Map<String, String> fromRegistryConfiguration(Map<String, ?> config) {
        Map<String, String> pins = new TreeMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(OperatorRegistry.PIN_PREFIX) && v != null && !v.toString().isBlank()) {
                pins.put(k.substring(OperatorRegistry.PIN_PREFIX.length()), v.toString().trim());
            }
        });
        return Map.copyOf(pins);
    }

    /** Stores {@code variant} as the pin of {@code op}: its own record, written whole (no read-modify-write). */
    static void store(ConfigurationAdmin ca, String op, String variant) {
        try {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(OP, op);
            props.put(VARIANT, variant);
            configAdmin(ca).getFactoryConfiguration(FACTORY_PID, op, "?").update(props);
        } catch (IOException e) {
            throw new IllegalStateException("could not store the pin of " + op + ": " + e.getMessage(), e);
        }
    }

    /** Removes the pin of {@code op} in either form; the variant it pinned, or null if it had none. */
    static String remove(ConfigurationAdmin ca, String op) {
        String was = null;
        try {
            Configuration[] found = configAdmin(ca).listConfigurations("(service.pid=" + FACTORY_PID + "~" + escape(op) + ")");
            for (Configuration c : found == null ? new Configuration[0] : found) {
                Object v = c.getProperties() == null ? null : c.getProperties().get(VARIANT);
                was = v == null ? was : v.toString();
                c.delete();
            }
            Configuration registry = ca.getConfiguration(OperatorRegistry.PID, "?");
            Dictionary<String, Object> props = registry.getProperties();
            if (props != null && props.get(OperatorRegistry.PIN_PREFIX + op) != null) {
                was = was != null ? was : props.get(OperatorRegistry.PIN_PREFIX + op).toString();
                props.remove(OperatorRegistry.PIN_PREFIX + op);
                registry.update(props);
            }
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("could not remove the pin of " + op + ": " + e.getMessage(), e);
        }
        return was;
    }

    private static ConfigurationAdmin configAdmin(ConfigurationAdmin ca) {
        if (ca == null) {
            throw new IllegalStateException("pinning needs Config Admin, which is not running");
        }
        return ca;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }
}
