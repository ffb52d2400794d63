package io.opsgi.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Shared assertions and builders of the contract tests. */
final class ContractAssertions {
    private ContractAssertions() {
    }

    /**
     * Asserts that {@code call} throws the {@link OpException} of {@code op} and {@code rule} (docs/RULES.md), whose
     * message reads {@code <op>: ...} and contains every fragment: the rule in words and the offending values.
     */
    static OpException assertRule(String op, String rule, Executable call, String... fragments) {
        OpException e = assertThrows(OpException.class, call, () -> "expected " + op + " to refuse with rule " + rule);
        assertEquals(rule, e.rule(), () -> "rule of '" + e.getMessage() + "'");
        assertEquals(op, e.op(), () -> "op of '" + e.getMessage() + "'");
        assertTrue(e.getMessage().startsWith(op + ": "), () -> "message must start with the op: '" + e.getMessage() + "'");
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    static Shape shape(int... dims) {
        return Shape.of(dims);
    }

    static Tensor zeros(int... dims) {
        return Tensor.zeros(dims);
    }

    /** An attribute map in PyTorch's terms, from alternating keys and values; values may be null. */
    static Map<String, Object> attrs(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Named inputs, from alternating names and tensors. */
    static Map<String, Tensor> inputs(Object... namesAndTensors) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTensors.length; i += 2) {
            m.put((String) namesAndTensors[i], (Tensor) namesAndTensors[i + 1]);
        }
        return m;
    }
}
