package io.opsgi.remote.internal;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Endpoint properties as values that cross Java serialization and that Config Admin stores. */
final class Endpoints {
    /** Property of an imported endpoint naming the link (catalog endpoint) it came through. */
    static final String VIA = "opsgi.remote.via";
    /** Config discovery's factory PID: one configuration per endpoint to import. */
    static final String DISCOVERY_PID = "org.apache.aries.rsa.discovery.config";

    private Endpoints() {
    }

    static HashMap<String, Object> plain(Map<String, ?> props) {
        HashMap<String, Object> out = new HashMap<>();
        props.forEach((k, v) -> {
            Object p = plainValue(v);
            if (p != null && !k.startsWith("component.") && !k.equals("service.pid") && !k.equals("service.factoryPid")
                    && !k.equals("service.bundlelocation") && !k.equals("service.id") && !k.equals("service.bundleid")) {
                out.put(k, p);
            }
        });
        return out;
    }

    private static Object plainValue(Object v) {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toArray(String[]::new);
        }
        if (v != null && v.getClass().isArray() && v instanceof Serializable) {
            if (v.getClass().getComponentType().isPrimitive() || v instanceof String[]) {
                return v;
            }
            String[] s = new String[Array.getLength(v)];
            for (int i = 0; i < s.length; i++) {
                s[i] = String.valueOf(Array.get(v, i));
            }
            return s;
        }
        return null;
    }
}
