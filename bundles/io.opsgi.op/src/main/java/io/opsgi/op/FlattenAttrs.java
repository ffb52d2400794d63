package io.opsgi.op;

/** Attributes of flatten, as {@code nn.Flatten}: the first and last dimension merged (negative counts from the end). */
public record FlattenAttrs(int startDim, int endDim) {
    /** nn.Flatten's defaults: start_dim 1, end_dim -1 (keep the batch, flatten the rest). */
    public static FlattenAttrs defaults() {
        return new FlattenAttrs(1, -1);
    }
}
