package io.opsgi.op;

/** Attributes of batch_norm: training (batch statistics) or inference (running statistics). */
public record BatchNormAttrs(boolean training, double momentum, double eps) {
    public static BatchNormAttrs inference(double eps) {
        return new BatchNormAttrs(false, 0.1, eps);
    }

    public static BatchNormAttrs training(double momentum, double eps) {
        return new BatchNormAttrs(true, momentum, eps);
    }
}
