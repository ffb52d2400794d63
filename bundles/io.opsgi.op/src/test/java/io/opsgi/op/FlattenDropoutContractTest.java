package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * flatten and dropout, the two layers with no kernel: shapes and errors as torch 1.13 gives them
 * (each expected value below was checked against torch.flatten / nn.Flatten / nn.Dropout.eval()).
 */
class FlattenDropoutContractTest {

    private static Shape flat(Shape x, int start, int end) {
        return Flatten.outputShape(x, new FlattenAttrs(start, end));
    }

    @Test
    void flatten_shapes() {
        Shape x = shape(2, 3, 4, 5);
        assertEquals(shape(2, 60), Flatten.outputShape(x, FlattenAttrs.defaults()));
        assertEquals(shape(120), flat(x, 0, -1));
        assertEquals(shape(2, 3, 20), flat(x, 2, -1));
        assertEquals(shape(2, 3, 20), flat(x, -2, -1));
        assertEquals(shape(2, 12, 5), flat(x, 1, 2));
        assertEquals(x, flat(x, 3, 3));
        assertEquals(shape(1), flat(shape(), 0, -1), "a 0-d tensor counts as 1-D");
        assertEquals(shape(0, 12), flat(shape(0, 3, 4), 1, -1));
        assertEquals(shape(2, 0), flat(shape(2, 0, 4), 1, -1));
    }

    @Test
    void flatten_is_a_view_of_the_same_data() {
        Tensor x = Tensor.of(shape(2, 1, 1, 3), 1, 2, 3, 4, 5, 6);
        Tensor y = Flatten.apply(x, FlattenAttrs.defaults());
        assertEquals(shape(2, 3), y.shape());
        assertArrayEquals(x.toArray(), y.toArray());
        assertSame(x.buffer(), y.buffer(), "no copy");
    }

    @Test
    void flatten_errors() {
        Shape x = shape(2, 3, 4, 5);
        // torch: "flatten() has invalid args: start_dim cannot come after end_dim"
        assertRule("flatten", "start_after_end", () -> flat(x, 2, 1), "start_dim=2, end_dim=1");
        assertRule("flatten", "start_after_end", () -> flat(x, -1, 1));
        // torch: "Dimension out of range (expected to be in range of [-4, 3], but got 4)"
        assertRule("flatten", "dim_range", () -> flat(x, 4, -1), "[-4, 3]", "got 4");
        assertRule("flatten", "dim_range", () -> flat(x, 1, 4), "got 4");
        assertRule("flatten", "dim_range", () -> flat(x, -5, -1), "got -5");
        // torch: nn.Flatten() on a 1-D input: "Dimension out of range (expected to be in range of [-1, 0], but got 1)"
        assertRule("flatten", "dim_range", () -> Flatten.outputShape(shape(5), FlattenAttrs.defaults()), "[-1, 0]");
        assertRule("flatten", "attribute_type", () -> Flatten.attrs(attrs("start_dim", 1.5)));
    }

    @Test
    void dropout_at_inference_is_the_identity() {
        Tensor x = Tensor.of(shape(2, 2), 1, -2, Float.NaN, -0f);
        for (double p : new double[] {0, 0.5, 1}) {
            assertSame(x, Dropout.apply(x, new DropoutAttrs(p)), "nn.Dropout(p).eval()(x) is x");
        }
        assertEquals(shape(2, 3), Dropout.outputShape(shape(2, 3), Dropout.attrs(attrs())));
        assertEquals(0.5, Dropout.attrs(attrs()).p(), "nn.Dropout's default p");
        assertEquals(0.2, Dropout.attrs(attrs("p", 0.2, "training", false)).p());
    }

    @Test
    void dropout_errors() {
        // torch: "dropout probability has to be between 0 and 1, but got 1.5"
        assertRule("dropout", "probability_range", () -> new DropoutAttrs(1.5), "p=1.5");
        assertRule("dropout", "probability_range", () -> Dropout.attrs(attrs("p", -0.1)), "p=-0.1");
        assertRule("dropout", "probability_range", () -> new DropoutAttrs(Double.NaN), "p=NaN");
        assertRule("dropout", "inference_only", () -> Dropout.attrs(attrs("training", true)));
    }
}
