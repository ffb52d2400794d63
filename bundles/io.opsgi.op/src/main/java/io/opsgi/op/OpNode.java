package io.opsgi.op;

import io.opsgi.tensor.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One use of an operator before any data exists, as an ONNX node: the op, the shapes of its named
 * inputs ({@code input}, {@code weight}, {@code bias}, {@code other}, ...; optional ones absent)
 * and its attributes in PyTorch's terms. What every {@link OpSchema} fact is computed from.
 */
public record OpNode(String op, Map<String, Shape> inputs, Map<String, ?> attrs) {
    public OpNode {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        attrs = attrs == null ? Map.of() : attrs;
    }

    /** The main input's shape. */
    public Shape input() {
        return shape("input");
    }

    /** The shape of input {@code name}, or an {@link OpException} if the node lacks it. */
    public Shape shape(String name) {
        Shape s = inputs.get(name);
        if (s == null) {
            throw new OpException(op, "missing_input", "input '" + name + "' is required");
        }
        return s;
    }

    /** The shape of optional input {@code name}, or null. */
    public Shape optional(String name) {
        return inputs.get(name);
    }
}
