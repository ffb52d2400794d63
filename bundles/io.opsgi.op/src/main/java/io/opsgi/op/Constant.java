package io.opsgi.op;

import io.opsgi.tensor.Shape;

/**
 * A constant tensor in a network (an ONNX initializer or Constant used as data, e.g. the other
 * operand of an add): no input, its value is its one parameter {@code value}. Nothing to compute:
 * not a registered {@link Operator}. It has no receptive field of its own ({@link ReceptiveField#INPUT}:
 * one element of it depends on nothing wider) and adds no error to a network's tolerance.
 */
public final class Constant {
    public static final String OP = "constant";

    private Constant() {
    }

    public static final OpSchema SCHEMA = OpSchema.of(OP, null, n -> n.shape("value"))
            .withField((n, in, out) -> ReceptiveField.INPUT)
            .withNetworkDepth((n, out) -> 0.0);
}
