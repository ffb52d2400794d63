package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.op.BatchNormAttrs;
import io.opsgi.op.BatchNormGeometry;
import io.opsgi.op.BatchNormKernel;
import io.opsgi.runtime.LiveCallJudge;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sampled call whose optional outputs are null (batch norm at inference: no updated statistics) is checked on the
 * output it has. The caller used to clone every output slot and threw a NullPointerException out of the live call:
 * DenseNet-121 (a batch norm not folded into a conv) failed "run" at random, on the calls the checks sampled.
 */
class ShadowChecksOptionalOutputTest {
    private static final int[] WRITTEN = {7, 8, 9}; // y, newMean, newVar
    private final BlockingQueue<String> verdicts = new LinkedBlockingQueue<>();
    private final LiveCallJudge judge = (op, geometry, inputs, output, reference, actual) -> {
        String problem = java.util.Arrays.equals(reference, actual) ? null : output + " differs";
        verdicts.add(output + ": " + (problem == null ? "agrees" : problem));
        return problem;
    };
    private ShadowChecks checks;

    @AfterEach
    void stop() {
        checks.close();
    }

    /** y = x + shift; the statistics are written only when asked for. */
    record Shifted(float shift) implements BatchNormKernel {
        @Override
        public void batchNorm(BatchNormGeometry g, BatchNormAttrs a, float[] x, float[] mean, float[] var, float[] weight, float[] bias,
                float[] y, float[] newMean, float[] newVar) {
            for (int i = 0; i < y.length; i++) {
                y[i] = x[i] + shift;
            }
        }
    }

    private String sampledCall(float kernelShift) throws Exception {
        BlockingQueue<String> mismatches = new LinkedBlockingQueue<>();
        checks = new ShadowChecks(1.0, 1.0, () -> judge, (k, op, r) -> mismatches.add(r.toString()), new ShadowChecks.Account());
        Candidate kernel = new Candidate(new Shifted(kernelShift), List.of("batch_norm"), "fast", 0, 1, "k");
        Candidate reference = new Candidate(new Shifted(0), List.of("batch_norm"), "reference", 0, 2, "r");
        Method m = BatchNormKernel.class.getMethod("batchNorm", BatchNormGeometry.class, BatchNormAttrs.class, float[].class, float[].class,
                float[].class, float[].class, float[].class, float[].class, float[].class, float[].class);
        float[] x = {1, 2, 3, 4};
        Object[] args = {new BatchNormGeometry(1, 1, 4), BatchNormAttrs.inference(1e-5), x, new float[1], new float[] {1}, null, null, new float[4], null, null};
        ShadowChecks.Sample sample = checks.sample("batch_norm", reference, args, WRITTEN);
        assertNotNull(sample, "rate 1 and an idle budget: sampled");
        m.invoke(kernel.kernel, args);
        checks.answered(sample, kernel, reference, "batch_norm", m, args); // threw the NullPointerException
        String verdict = verdicts.poll(30, TimeUnit.SECONDS);
        assertNotNull(verdict, "the reference recomputed the call and the judge was asked");
        assertTrue(verdicts.isEmpty(), "only the output that is there is judged: " + verdicts);
        return verdict;
    }

    @Test
    void theOutputThatIsThereIsChecked() throws Exception {
        assertEquals("output 7: agrees", sampledCall(0));
    }

    @Test
    void aWrongOutputNextToNullOnesIsStillCaught() throws Exception {
        assertEquals("output 7: output 7 differs", sampledCall(0.5f));
    }
}
