package io.opsgi.properties;

import io.opsgi.conformance.TensorComparison;
import io.opsgi.conformance.Tolerances;
import io.opsgi.conformance.VectorCase;
import io.opsgi.op.Tolerance;
import io.opsgi.op.ToleranceClass;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Tolerances come from {@link Tolerances}, the one place the conformance kit chooses them (bit-exact
 * for selection and copies, assert_close for libm functions, a sqrt(K)-scaled bound for sums);
 * this class only applies them, and fails with the worst element, never the whole tensor.
 */
final class Closeness {
    private Closeness() {
    }

    /** Bit for bit (NaN payloads aside): a kernel against itself, selections, copies, exact identities. */
    static Tolerance exact(String reason) {
        return Tolerance.exact(reason);
    }

    /** A sum of {@code k} float32 terms compared with {@code expected} (e.g. a float64 definition). */
    static Tolerance reduction(int k, Tensor expected) {
        return ToleranceClass.reduction(k, expected);
    }

    /** torch.testing.assert_close's float32 default. */
    static Tolerance assertClose() {
        return Tolerance.close(ToleranceClass.ASSERT_CLOSE_RTOL, ToleranceClass.ASSERT_CLOSE_ATOL, "assert_close default");
    }

    /**
     * The conformance tolerance of {@code op} for one output, as the reference-vector replay would
     * choose it: {@code attrs} in PyTorch's terms and the named inputs give the reduction length K.
     */
    static Tolerance forOp(String op, Map<String, Object> attrs, Map<String, Tensor> inputs, Tensor expected) {
        VectorCase c = new VectorCase("property:" + op, op, attrs, Map.of(), Map.of(), null, null, List.of());
        return Tolerances.forOutput(c, "output", inputs, expected);
    }

    static void assertClose(Tolerance t, Tensor actual, Tensor expected, String what) {
        TensorComparison r = TensorComparison.compare("output", expected, actual, t);
        if (!r.passed()) {
            throw new AssertionError(what + ": " + r.problem());
        }
    }

    static void assertEqualIndices(IndexTensor actual, IndexTensor expected, String what) {
        TensorComparison r = TensorComparison.compareIndices("indices", expected, actual);
        if (!r.passed()) {
            throw new AssertionError(what + ": " + r.problem());
        }
    }
}
