package io.opsgi.net;

import io.opsgi.tensor.Shape;

/**
 * One parameter or buffer of a layer, by its PyTorch state_dict name ({@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var}), which is also the operator input it feeds.
 *
 * @param trainable true for parameters (counted as PyTorch's {@code parameters()} counts), false for
 *                  buffers such as batch norm's running statistics
 * @param fanIn     for seeded initialization: values uniform in ±1/sqrt(fanIn); 0 means the constant {@code fill}
 */
public record ParamSpec(String name, Shape shape, boolean trainable, int fanIn, float fill) {
    static ParamSpec uniform(String name, Shape shape, int fanIn) {
        return new ParamSpec(name, shape, true, Math.max(1, fanIn), 0f);
    }

    static ParamSpec constant(String name, Shape shape, boolean trainable, float fill) {
        return new ParamSpec(name, shape, trainable, 0, fill);
    }
}
