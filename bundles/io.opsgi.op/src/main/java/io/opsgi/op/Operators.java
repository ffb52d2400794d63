package io.opsgi.op;

import io.opsgi.tensor.Tensor;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every operator in scope, by name. */
public final class Operators {
    private static final Map<String, Operator> BY_NAME;

    static {
        Map<String, Operator> m = new LinkedHashMap<>();
        for (Operator o : new Operator[] {Conv2d.OPERATOR, ConvTranspose2d.OPERATOR, MaxPool2d.OPERATOR, AvgPool2d.OPERATOR,
                AdaptivePool2d.AVG_OPERATOR, AdaptivePool2d.MAX_OPERATOR, AdaptivePool2d.GLOBAL_AVG_OPERATOR,
                AdaptivePool2d.GLOBAL_MAX_OPERATOR, LpPool2d.OPERATOR, Pad.OPERATOR, BatchNorm.OPERATOR,
                Linear.OPERATOR, Add.OPERATOR, Upsample.OPERATOR}) {
            m.put(o.name(), o);
        }
        for (Operator o : Activations.operators()) {
            m.put(o.name(), o);
        }
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private Operators() {
    }

    public static Collection<Operator> all() {
        return BY_NAME.values();
    }

    /** The operator named {@code name}, or an {@link IllegalArgumentException} naming the known ones. */
    public static Operator get(String name) {
        Operator o = BY_NAME.get(name);
        if (o == null) {
            throw new IllegalArgumentException("unknown op '" + name + "'; known ops: " + String.join(", ", BY_NAME.keySet()));
        }
        return o;
    }

    public static boolean exists(String name) {
        return BY_NAME.containsKey(name);
    }

    static Tensor required(String op, Map<String, Tensor> inputs, String name) {
        Tensor t = inputs.get(name);
        if (t == null) {
            throw new OpException(op, "missing_input", "input '" + name + "' is required");
        }
        return t;
    }
}
