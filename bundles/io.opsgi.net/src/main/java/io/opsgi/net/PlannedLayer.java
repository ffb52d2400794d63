package io.opsgi.net;

import io.opsgi.tensor.Shape;
import java.util.List;

/**
 * One layer after planning: where it stands in the description ({@code index}, from 1), what it
 * reads, its output shape, its parameters and buffers, its multiply-adds and the receptive field
 * after it, and the operator that runs it (null for flatten and dropout, which need no kernel).
 */
public record PlannedLayer(int index, LayerSpec spec, List<String> inputs, List<Shape> inputShapes, Shape outputShape, List<ParamSpec> params,
        long parameters, long buffers, long macs, Field field, String op) {

    public String name() {
        return spec.name();
    }

    public String type() {
        return spec.type();
    }
}
