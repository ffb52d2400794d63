package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The adaptive and global pooling contracts. */
class AdaptivePool2dContractTest {
    private static final String AVG = AdaptivePool2d.AVG;
    private static final String MAX = AdaptivePool2d.MAX;

    @Test
    void shapes() {
        for (String op : new String[] {AVG, MAX}) {
            assertEquals(shape(1, 3, 3, 2), AdaptivePool2d.outputShape(op, shape(1, 3, 10, 7), 3, 2), op);
            assertEquals(shape(3, 3, 2), AdaptivePool2d.outputShape(op, shape(3, 10, 7), 3, 2), op + " unbatched");
            assertEquals(shape(0, 3, 3, 2), AdaptivePool2d.outputShape(op, shape(0, 3, 10, 7), 3, 2), op + " empty batch");
            // Larger than the input: windows repeat.
            assertEquals(shape(1, 1, 5, 5), AdaptivePool2d.outputShape(op, shape(1, 1, 2, 2), 5, 5), op);
            // Output size 0 is legal and empty.
            assertEquals(shape(1, 1, 0, 0), AdaptivePool2d.outputShape(op, shape(1, 1, 2, 2), 0, 0), op);
        }
    }

    @Test
    void null_output_size_keeps_the_input_size() {
        assertEquals(shape(1, 3, 10, 4), AdaptivePool2d.outputShape(AVG, shape(1, 3, 10, 7), null, 4));
        assertEquals(shape(1, 3, 2, 7), AdaptivePool2d.outputShape(MAX, shape(1, 3, 10, 7), 2, null));
    }

    @Test
    void kernels_receive_the_geometry() {
        AtomicReference<AdaptiveGeometry> g = new AtomicReference<>();
        Tensor y = AdaptivePool2d.avg((geo, x, out) -> g.set(geo), zeros(2, 3, 10, 7), 3, null);
        assertEquals(new AdaptiveGeometry(2, 3, 10, 7, 3, 7), g.get());
        assertEquals(shape(2, 3, 3, 7), y.shape());
        AtomicReference<long[]> idx = new AtomicReference<>();
        Pooled p = AdaptivePool2d.max((geo, x, out, i) -> idx.set(i), zeros(3, 10, 7), 5, 5);
        assertEquals(shape(3, 5, 5), p.output().shape());
        assertEquals(shape(3, 5, 5), p.indices().shape());
        assertEquals(75, idx.get().length);
    }

    @Test
    void global_pooling_is_the_1x1_case() {
        AtomicReference<AdaptiveGeometry> g = new AtomicReference<>();
        assertEquals(shape(2, 3, 1, 1), AdaptivePool2d.globalAvg((geo, x, y) -> g.set(geo), zeros(2, 3, 4, 5)).shape());
        assertEquals(new AdaptiveGeometry(2, 3, 4, 5, 1, 1), g.get());
        assertEquals(shape(3, 1, 1), AdaptivePool2d.globalMax((geo, x, y, i) -> { }, zeros(3, 4, 5)).indices().shape());
    }

    @Test
    void empty_outputs_do_not_reach_the_kernel() {
        assertEquals(shape(1, 1, 0, 0), AdaptivePool2d.avg(NoKernel.INSTANCE, zeros(1, 1, 2, 2), 0, 0).shape());
        assertEquals(shape(0, 1, 1, 1), AdaptivePool2d.max(NoKernel.INSTANCE, zeros(0, 1, 2, 2), 1, 1).indices().shape());
    }

    // ---- one error per rule ----

    @Test
    void output_size_non_negative() {
        for (String op : new String[] {AVG, MAX}) {
            assertRule(op, "output_size_non_negative", () -> AdaptivePool2d.outputShape(op, shape(1, 1, 5, 5), -1, -1),
                    "greater than or equal to 0", "[-1, -1]");
            assertRule(op, "output_size_non_negative", () -> AdaptivePool2d.outputShape(op, shape(1, 1, 5, 5), 2, -3), "[2, -3]");
        }
    }

    @Test
    void input_rank() {
        for (String op : new String[] {AVG, MAX}) {
            assertRule(op, "input_rank", () -> AdaptivePool2d.outputShape(op, shape(5, 5), 1, 1), "3D or 4D", "[5, 5]");
            assertRule(op, "input_rank", () -> AdaptivePool2d.outputShape(op, shape(1, 1, 1, 5, 5), 1, 1), "[1, 1, 1, 5, 5]");
        }
    }

    @Test
    void empty_input() {
        for (String op : new String[] {AVG, MAX}) {
            assertRule(op, "empty_input", () -> AdaptivePool2d.outputShape(op, shape(1, 3, 0, 5), 2, 2), "non-zero", "[1, 3, 0, 5]");
            assertRule(op, "empty_input", () -> AdaptivePool2d.outputShape(op, shape(3, 5, 0), 2, 2), "[3, 5, 0]");
        }
        assertRule(AdaptivePool2d.GLOBAL_MAX, "empty_input",
                () -> AdaptivePool2d.globalMax(NoKernel.INSTANCE, zeros(1, 3, 0, 5)), "[1, 3, 0, 5]");
    }

    @Test
    void zero_channels_follow_aten() {
        // adaptive_avg_pool2d only checks dims -2 and -1; adaptive_max_pool2d checks dims 1..ndim-1.
        assertEquals(shape(1, 0, 2, 2), AdaptivePool2d.outputShape(AVG, shape(1, 0, 5, 5), 2, 2));
        assertRule(MAX, "empty_input", () -> AdaptivePool2d.outputShape(MAX, shape(1, 0, 5, 5), 2, 2), "[1, 0, 5, 5]");
    }

    // ---- attributes in PyTorch's terms ----

    private static AdaptiveGeometry parsed(String op, Map<String, Object> a) {
        AtomicReference<AdaptiveGeometry> g = new AtomicReference<>();
        Kernel k = op.equals(AVG) ? (AdaptiveAvgPool2dKernel) (geo, x, y) -> g.set(geo)
                : (AdaptiveMaxPool2dKernel) (geo, x, y, i) -> g.set(geo);
        Map<String, Object> r = Operators.get(op).run(k, a, inputs("input", zeros(1, 2, 6, 9)));
        if (op.equals(MAX)) {
            assertEquals(((Tensor) r.get("output")).shape(), ((IndexTensor) r.get("indices")).shape());
        }
        return g.get();
    }

    @Test
    void parses_output_size() {
        for (String op : new String[] {AVG, MAX}) {
            assertEquals(new AdaptiveGeometry(1, 2, 6, 9, 3, 3), parsed(op, attrs("output_size", 3)), op);
            assertEquals(new AdaptiveGeometry(1, 2, 6, 9, 4, 9), parsed(op, attrs("output_size", Arrays.asList(4, null))), op);
            assertEquals(new AdaptiveGeometry(1, 2, 6, 9, 6, 2), parsed(op, attrs("output_size", Arrays.asList(null, 2))), op);
        }
    }

    @Test
    void pair_length() {
        for (String op : new String[] {AVG, MAX}) {
            assertRule(op, "pair_length", () -> parsed(op, attrs("output_size", List.of(1, 1, 1))), "output_size must be 2", "[1, 1, 1]");
            assertRule(op, "pair_length", () -> parsed(op, attrs("output_size", List.of(3))), "output_size must be 2", "[3]");
        }
    }

    @Test
    void global_operators_take_no_attributes() {
        AtomicReference<AdaptiveGeometry> g = new AtomicReference<>();
        Operators.get(AdaptivePool2d.GLOBAL_AVG).run((AdaptiveAvgPool2dKernel) (geo, x, y) -> g.set(geo), attrs(), inputs("input", zeros(2, 6, 9)));
        assertEquals(new AdaptiveGeometry(1, 2, 6, 9, 1, 1), g.get());
    }
}
