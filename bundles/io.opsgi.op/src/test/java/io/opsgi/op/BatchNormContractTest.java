package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.assertRule;
import static io.opsgi.op.ContractAssertions.attrs;
import static io.opsgi.op.ContractAssertions.inputs;
import static io.opsgi.op.ContractAssertions.shape;
import static io.opsgi.op.ContractAssertions.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The batch_norm contract: geometry, running statistics, and one error per validation rule. */
class BatchNormContractTest {
    private static final String OP = "batch_norm";
    private static final BatchNormAttrs EVAL = BatchNormAttrs.inference(1e-5);
    private static final BatchNormAttrs TRAIN = BatchNormAttrs.training(0.1, 1e-5);

    private static Tensor vec(float... v) {
        return Tensor.of(io.opsgi.tensor.Shape.of(v.length), v);
    }

    /** What the kernel was given. */
    private static final class Seen implements BatchNormKernel {
        BatchNormGeometry geometry;
        float[] mean;
        float[] newMean;
        float[] newVar;
        int calls;

        @Override
        public void batchNorm(BatchNormGeometry g, BatchNormAttrs a, float[] x, float[] mean, float[] var, float[] weight, float[] bias,
                float[] y, float[] newMean, float[] newVar) {
            calls++;
            geometry = g;
            this.mean = mean;
            this.newMean = newMean;
            this.newVar = newVar;
            if (newMean != null) {
                newMean[0] = 42f; // the kernel writes the updated statistics here
            }
        }
    }

    @Test
    void geometry_of_2d_3d_and_4d_inputs() {
        Seen k = new Seen();
        Tensor y = BatchNorm.apply(k, zeros(2, 3, 4, 5), zeros(3), zeros(3), null, null, EVAL).output();
        assertEquals(new BatchNormGeometry(2, 3, 20), k.geometry);
        assertEquals(shape(2, 3, 4, 5), y.shape());
        BatchNorm.apply(k, zeros(4, 3), zeros(3), zeros(3), zeros(3), zeros(3), EVAL);
        assertEquals(new BatchNormGeometry(4, 3, 1), k.geometry);
        BatchNorm.apply(k, zeros(4, 3, 7), zeros(3), zeros(3), null, zeros(3), EVAL);
        assertEquals(new BatchNormGeometry(4, 3, 7), k.geometry);
    }

    @Test
    void inference_returns_no_statistics() {
        BatchNorm.Result r = BatchNorm.apply(new Seen(), zeros(2, 3, 2, 2), zeros(3), zeros(3), null, null, EVAL);
        assertNull(r.runningMean());
        assertNull(r.runningVar());
    }

    @Test
    void training_updates_copies_of_the_running_statistics() {
        Seen k = new Seen();
        Tensor mean = vec(1, 2, 3);
        Tensor var = vec(4, 5, 6);
        BatchNorm.Result r = BatchNorm.apply(k, zeros(2, 3, 2, 2), mean, var, null, null, TRAIN);
        assertArrayEquals(new float[] {1, 2, 3}, k.mean, "the kernel reads the running mean");
        assertNotSame(mean.buffer(), k.newMean, "and writes a copy, never its input");
        assertArrayEquals(new float[] {42, 2, 3}, r.runningMean().toArray());
        assertArrayEquals(new float[] {4, 5, 6}, r.runningVar().toArray());
        assertArrayEquals(new float[] {1, 2, 3}, mean.toArray(), "the input statistics are unchanged");
    }

    @Test
    void training_without_running_statistics() {
        Seen k = new Seen();
        BatchNorm.Result r = BatchNorm.apply(k, zeros(2, 3, 2, 2), null, null, null, null, TRAIN);
        assertNull(k.newMean);
        assertNull(k.newVar);
        assertNull(r.runningMean());
        assertNull(r.runningVar());
    }

    @Test
    void training_updates_each_given_statistic_on_its_own() {
        // ATen's CPU path updates whichever running buffer is defined.
        Seen k = new Seen();
        BatchNorm.Result r = BatchNorm.apply(k, zeros(2, 3, 2, 2), vec(1, 2, 3), null, null, null, TRAIN);
        assertEquals(3, k.newMean.length);
        assertNull(k.newVar);
        assertArrayEquals(new float[] {42, 2, 3}, r.runningMean().toArray());
        assertNull(r.runningVar());
        r = BatchNorm.apply(k, zeros(2, 3, 2, 2), null, vec(4, 5, 6), null, null, TRAIN);
        assertNull(k.newMean);
        assertArrayEquals(new float[] {4, 5, 6}, r.runningVar().toArray());
    }

    @Test
    void empty_batch_leaves_statistics_unchanged() {
        BatchNorm.Result r = BatchNorm.apply(NoKernel.INSTANCE, zeros(0, 3, 2, 2), vec(1, 2, 3), vec(4, 5, 6), null, null, TRAIN);
        assertEquals(shape(0, 3, 2, 2), r.output().shape());
        assertArrayEquals(new float[] {1, 2, 3}, r.runningMean().toArray());
        assertArrayEquals(new float[] {4, 5, 6}, r.runningVar().toArray());
        assertEquals(shape(0, 3, 2, 2), BatchNorm.inference(NoKernel.INSTANCE, zeros(0, 3, 2, 2), zeros(3), zeros(3), null, null, 1e-5).shape());
    }

    @Test
    void training_with_one_sample_but_several_positions_is_fine() {
        Seen k = new Seen();
        BatchNorm.apply(k, zeros(1, 3, 2, 1), null, null, null, null, TRAIN);
        assertEquals(1, k.calls);
    }

    @Test
    void training_with_an_empty_plane_is_not_the_single_value_case() {
        // F.batch_norm's check is size[0] * prod(size[2:]) == 1; here it is 0.
        BatchNorm.Result r = BatchNorm.apply(NoKernel.INSTANCE, zeros(1, 3, 0, 5), null, null, null, null, TRAIN);
        assertEquals(shape(1, 3, 0, 5), r.output().shape());
    }

    // ---- one error per rule ----

    @Test
    void input_rank() {
        assertRule(OP, "input_rank", () -> BatchNorm.apply(NoKernel.INSTANCE, zeros(3), zeros(3), zeros(3), null, null, EVAL), "[3]");
    }

    /** As PyTorch's batch_norm: any rank from 2, a 5-D (BatchNorm3d) or 6-D input shaped as it came. */
    @Test
    void everyRankFromTwoIsTaken() {
        assertEquals(shape(1, 3, 2, 2, 2), BatchNorm.outputShape(shape(1, 3, 2, 2, 2)));
        assertEquals(shape(2, 3, 1, 2, 1, 2), BatchNorm.outputShape(shape(2, 3, 1, 2, 1, 2)));
    }

    @Test
    void running_stats_required() {
        assertRule(OP, "running_stats_required", () -> BatchNorm.apply(NoKernel.INSTANCE, zeros(2, 3, 2, 2), null, null, null, null, EVAL),
                "running_mean", "evaluation mode");
        assertRule(OP, "running_stats_required", () -> BatchNorm.apply(NoKernel.INSTANCE, zeros(2, 3, 2, 2), zeros(3), null, null, null, EVAL),
                "running_var");
    }

    @Test
    void single_value_per_channel() {
        assertRule(OP, "single_value_per_channel", () -> BatchNorm.apply(NoKernel.INSTANCE, zeros(1, 3, 1, 1), null, null, null, null, TRAIN),
                "more than 1 value per channel", "[1, 3, 1, 1]");
        assertRule(OP, "single_value_per_channel", () -> BatchNorm.apply(NoKernel.INSTANCE, zeros(1, 3), zeros(3), zeros(3), null, null, TRAIN),
                "[1, 3]");
        // Inference does not care.
        assertEquals(shape(1, 3, 1, 1), BatchNorm.apply(new Seen(), zeros(1, 3, 1, 1), zeros(3), zeros(3), null, null, EVAL).output().shape());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void param_size(int which) {
        String[] names = {"running_mean", "running_var", "weight", "bias"};
        Tensor[] p = {zeros(4), zeros(4), zeros(4), zeros(4)};
        p[which] = zeros(5);
        OpException e = assertRule(OP, "param_size", () -> BatchNorm.apply(NoKernel.INSTANCE, zeros(2, 4, 3, 3), p[0], p[1], p[2], p[3], EVAL),
                names[which] + " should contain 4 elements", "got 5");
        for (int other = 0; other < 4; other++) {
            if (other != which) {
                assertFalse(e.getMessage().contains(names[other] + " "), "names the parameter at fault only: " + e.getMessage());
            }
        }
    }

    // ---- attributes in PyTorch's terms ----

    @Test
    void parses_attributes_and_names_outputs() {
        BatchNormAttrs[] seen = new BatchNormAttrs[1];
        BatchNormKernel k = (g, a, x, m, v, w, b, y, nm, nv) -> seen[0] = a;
        Map<String, Object> out = Operators.get(OP).run(k, attrs("training", true, "momentum", 0.3, "eps", 1e-3),
                inputs("input", zeros(2, 3, 2, 2), "running_mean", zeros(3), "running_var", zeros(3)));
        assertEquals(new BatchNormAttrs(true, 0.3, 1e-3), seen[0]);
        assertEquals(java.util.Set.of("output", "running_mean", "running_var"), out.keySet());
        out = Operators.get(OP).run(k, attrs("training", true), inputs("input", zeros(2, 3, 2, 2), "running_mean", zeros(3)));
        assertEquals(java.util.Set.of("output", "running_mean"), out.keySet());
        out = Operators.get(OP).run(k, attrs(), inputs("input", zeros(2, 3, 2, 2), "running_mean", zeros(3), "running_var", zeros(3)));
        assertEquals(new BatchNormAttrs(false, 0.1, 1e-5), seen[0], "PyTorch's defaults");
        assertEquals(java.util.Set.of("output"), out.keySet());
        assertTrue(out.get("output") instanceof Tensor);
    }

    @Test
    void non_boolean_training_is_refused() {
        assertRule(OP, "attribute_type", () -> BatchNorm.attrs(attrs("training", "yes")), "training", "yes");
    }
}
