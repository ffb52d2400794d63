package io.opsgi.op;

import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The batch_norm contract (F.batch_norm over (N, C), (N, C, L) or (N, C, H, W)). */
public final class BatchNorm {
    public static final String OP = "batch_norm";

    private BatchNorm() {
    }

    /** The normalized output and, in training, the updated value of each running statistic given (else null). */
    public record Result(Tensor output, Tensor runningMean, Tensor runningVar) {
    }

    public static Tensor inference(BatchNormKernel k, Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        return apply(k, x, mean, var, weight, bias, BatchNormAttrs.inference(eps)).output();
    }

    /** The output shape, with no kernel: the input's, if its rank is one batch_norm takes. */
    public static Shape outputShape(Shape xs) {
        // PyTorch's batch_norm takes any rank from 2 (N, C), the dims after C flattened into one plane (BatchNorm3d's 5-D too).
        OpException.check(xs.rank() >= 2, OP, "input_rank", "expected 2D or more input (N, C, ...), got input of size " + xs);
        return xs;
    }

    public static Result apply(BatchNormKernel kernel, Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias, BatchNormAttrs a) {
        Shape xs = outputShape(x.shape());
        int n = xs.dim(0), c = xs.dim(1), spatial = 1;
        for (int d = 2; d < xs.rank(); d++) {
            spatial *= xs.dim(d);
        }
        OpException.check(a.training() || (mean != null && var != null), OP, "running_stats_required",
                "running_mean and running_var must be defined in evaluation mode");
        checkSize("running_mean", mean, c);
        checkSize("running_var", var, c);
        checkSize("weight", weight, c);
        checkSize("bias", bias, c);
        // F.batch_norm's _verify_batch_size: size[0] * prod(size[2:]) == 1 is refused; 0 (an empty batch) is not.
        OpException.check(!a.training() || (long) n * spatial != 1, OP, "single_value_per_channel",
                "expected more than 1 value per channel when training, got input of size " + xs);
        // ATen's CPU training path updates each running buffer that is defined, independently of the other.
        float[] y = new float[xs.size()];
        float[] newMean = a.training() && mean != null ? mean.toArray() : null;
        float[] newVar = a.training() && var != null ? var.toArray() : null;
        if (y.length > 0) {
            kernel.batchNorm(new BatchNormGeometry(n, c, spatial), a, x.buffer(), buf(mean), buf(var), buf(weight), buf(bias), y, newMean, newVar);
        }
        return new Result(Tensor.wrap(xs, y), newMean != null ? Tensor.wrap(mean.shape(), newMean) : null,
                newVar != null ? Tensor.wrap(var.shape(), newVar) : null);
    }

    private static float[] buf(Tensor t) {
        return t == null ? null : t.buffer();
    }

    private static void checkSize(String name, Tensor t, int c) {
        OpException.check(t == null || t.size() == c, OP, "param_size", name + " should contain " + c + " elements, got " + (t == null ? 0 : t.size()));
    }

    public static BatchNormAttrs attrs(Map<String, ?> map) {
        TorchAttrs t = new TorchAttrs(OP, map);
        return new BatchNormAttrs(t.bool("training", false), t.number("momentum", 0.1), t.number("eps", 1e-5));
    }

    public static final Operator OPERATOR = new OperatorSpec(OP, BatchNormKernel.class,
            List.of("input", "running_mean", "running_var", "weight", "bias"), (kernel, attrs, in) -> {
                Result r = apply((BatchNormKernel) kernel, Operators.required(OP, in, "input"), in.get("running_mean"), in.get("running_var"),
                        in.get("weight"), in.get("bias"), attrs(attrs));
                Map<String, Object> out = new HashMap<>();
                out.put("output", r.output());
                if (r.runningMean() != null) {
                    out.put("running_mean", r.runningMean());
                }
                if (r.runningVar() != null) {
                    out.put("running_var", r.runningVar());
                }
                return out;
            });

    /**
     * K = N·H·W (the mean and variance sums) in training; 1 in inference, where PyTorch folds
     * weight/sqrt(var + eps) into one scale and differs from the textbook order by a few ulp.
     * Inference costs one multiply-add per element: x·scale + shift.
     */
    public static final OpSchema SCHEMA = OpSchema.of(OP, OPERATOR, n -> outputShape(n.input()))
            .withTolerance(ToleranceClass.REDUCTION)
            .withReduction(n -> {
                Shape x = n.input();
                return attrs(n.attrs()).training() && x.rank() >= 2 && x.dim(1) > 0 ? x.size() / x.dim(1) : 1;
            })
            .withMacs((n, out) -> (long) out.size());
}
