package io.opsgi.net;

import io.opsgi.op.OpNode;
import io.opsgi.op.OpSchema;
import io.opsgi.op.Operators;
import io.opsgi.op.ReceptiveField;
import io.opsgi.tensor.Shape;
import java.util.List;

/**
 * One layer after planning: where it stands in the description ({@code index}, from 1), what it
 * reads, its output shape, its parameters and buffers, its multiply-adds and the receptive field
 * after it, the operator that runs it (null for flatten and dropout, which need no kernel), and the
 * layer as that operator's schema sees it ({@code node}).
 */
public record PlannedLayer(int index, LayerSpec spec, List<String> inputs, List<Shape> inputShapes, Shape outputShape, List<ParamSpec> params,
        long parameters, long buffers, long macs, ReceptiveField field, String op, OpNode node) {

    /** The schema of the layer's operator. */
    public OpSchema schema() {
        return Operators.schema(node.op());
    }

    public String name() {
        return spec.name();
    }

    public String type() {
        return spec.type();
    }
}
