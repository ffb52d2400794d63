package io.opsgi.conformance;

import io.opsgi.op.OpNode;
import io.opsgi.op.OpSchema;
import io.opsgi.op.Operators;
import io.opsgi.op.Tolerance;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tolerance a vector case's output is judged by: the case's own, or the one its operator's
 * {@link OpSchema} names. The classes and their numbers, each with its derivation, are in
 * {@link ToleranceClass}; which class an op belongs to, and its reduction length K, in its schema.
 */
public final class Tolerances {
    private Tolerances() {
    }

    /** The kind of tolerance of {@code op}, for reports: {@code bit-exact}, {@code assert_close}, {@code sqrt(K)-scaled}. */
    public static String describe(String op) {
        return Operators.schema(op).describeTolerance();
    }

    /**
     * The tolerance for float output {@code output} of case {@code c}, whose inputs and expected
     * tensor are given (the reduction bound depends on both).
     */
    public static Tolerance forOutput(VectorCase c, String output, Map<String, Tensor> inputs, Tensor expected) {
        return c.tolerance() != null ? c.tolerance() : forOutput(c.op(), c.attrs(), inputs, expected);
    }

    /** The tolerance for the output of {@code op} with these attributes and inputs, where PyTorch gave {@code expected}. */
    public static Tolerance forOutput(String op, Map<String, ?> attrs, Map<String, Tensor> inputs, Tensor expected) {
        OpSchema schema = Operators.schema(op);
        OpNode node = node(op, attrs, inputs);
        ToleranceClass kind = schema.toleranceClass(node, expected.shape());
        return kind.bound(schema.reductionLength(node), expected, inputs.get("input"));
    }

    /** K, the number of terms summed per output element (see each op's schema). */
    public static int reductionLength(VectorCase c, Map<String, Tensor> inputs) {
        return Operators.schema(c.op()).reductionLength(node(c.op(), c.attrs(), inputs));
    }

    private static OpNode node(String op, Map<String, ?> attrs, Map<String, Tensor> inputs) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        inputs.forEach((name, t) -> shapes.put(name, t.shape()));
        return new OpNode(op, shapes, attrs);
    }
}
