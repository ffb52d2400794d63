package io.opsgi.op;

import io.opsgi.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every operator in scope, by name, with its {@link OpSchema}: the one list an operator is added to. */
public final class Operators {
    private static final Map<String, OpSchema> SCHEMAS;
    private static final Map<String, Operator> BY_NAME;

    static {
        List<OpSchema> all = new ArrayList<>(List.of(Conv2d.SCHEMA, ConvTranspose2d.SCHEMA, MaxPool2d.SCHEMA, AvgPool2d.SCHEMA,
                AdaptivePool2d.AVG_SCHEMA, AdaptivePool2d.MAX_SCHEMA, AdaptivePool2d.GLOBAL_AVG_SCHEMA, AdaptivePool2d.GLOBAL_MAX_SCHEMA,
                LpPool2d.SCHEMA, Pad.SCHEMA, BatchNorm.SCHEMA, Linear.SCHEMA, Add.SCHEMA, Upsample.SCHEMA, Resize.SCHEMA, Flatten.SCHEMA, Dropout.SCHEMA,
                Concat.SCHEMA, Reshape.SCHEMA, Permute.SCHEMA, Constant.SCHEMA));
        all.addAll(Activations.schemas());
        all.addAll(Binary.schemas().subList(1, BinaryOp.values().length)); // sub, mul, div, pow (add is above, in its old place)
        all.add(Matmul.SCHEMA);
        Map<String, OpSchema> schemas = new LinkedHashMap<>();
        Map<String, Operator> operators = new LinkedHashMap<>();
        for (OpSchema s : all) {
            schemas.put(s.name(), s);
            if (s.operator() != null) {
                operators.put(s.name(), s.operator());
            }
        }
        SCHEMAS = Collections.unmodifiableMap(schemas);
        BY_NAME = Collections.unmodifiableMap(operators);
    }

    /** The schema of {@code name}, kernel-less ops (flatten, dropout, concat, reshape, permute, constant) included, or an {@link IllegalArgumentException} naming the known ones. */
    public static OpSchema schema(String name) {
        OpSchema s = SCHEMAS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown op '" + name + "'; known ops: " + String.join(", ", SCHEMAS.keySet()));
        }
        return s;
    }

    public static Collection<OpSchema> schemas() {
        return SCHEMAS.values();
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
