package io.opsgi.net;

import io.opsgi.op.Kernel;
import io.opsgi.op.OpNode;
import io.opsgi.op.OpSchema;
import io.opsgi.op.Operators;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a layer adds to its operator, as a PyTorch module adds to its function: the module's
 * attributes, the parameters and buffers they call for, the channels they must agree with, and
 * how to run it. Everything about the operator itself (output shape, K, multiply-adds, receptive
 * field, tolerance) is its {@link OpSchema}'s. Types are registered in {@link LayerTypes}.
 */
abstract class LayerType {
    final String name;
    /** The operator that runs it, or null for the layers no kernel serves (flatten, dropout). */
    final String op;

    LayerType(String name, String op) {
        this.name = name;
        this.op = op;
    }

    /** Every attribute the type accepts (a typo is an error, not a silently ignored key). */
    abstract Set<String> attributes();

    /** The attributes that must be given. */
    Set<String> required() {
        return Set.of();
    }

    /** {@link #arity()} of a layer that reads one or more inputs (concat). */
    static final int VARIADIC = -1;

    /** How many inputs the layer reads (0 for a constant), or {@link #VARIADIC}. */
    int arity() {
        return 1;
    }

    /** The parameters and buffers the layer's attributes and input call for. */
    List<ParamSpec> params(LayerContext c) {
        return List.of();
    }

    /** Module hyperparameters that must agree with the input (in_channels, num_features, ...): rule {@code channels}. */
    void checkChannels(LayerContext c) {
    }

    /** The operator's schema (flatten and dropout have one too, though no kernel serves them). */
    OpSchema schema() {
        return Operators.schema(name);
    }

    /** The layer as its operator sees it: its inputs and parameters by the operator's input names, its attributes in the operator's terms. */
    OpNode node(LayerContext c, Map<String, Shape> params) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        List<String> names = schema().inputs();
        for (int i = 0; i < c.inputShapes.size(); i++) {
            // a variadic op's inputs beyond its named ones: input1, input2, ... (Concat)
            shapes.put(i < names.size() ? names.get(i) : "input" + i, c.inputShapes.get(i));
        }
        shapes.putAll(params);
        return new OpNode(name, shapes, opAttrs(c.spec));
    }

    /** The attributes handed to the operator, in PyTorch's terms. */
    Map<String, Object> opAttrs(LayerSpec s) {
        return s.attrs();
    }

    /** Runs the layer on {@code kernel} (null for kernel-less types) through the operator contract. */
    Tensor run(Kernel kernel, LayerSpec s, List<Tensor> inputs, Map<String, Tensor> params) {
        Map<String, Tensor> named = new HashMap<>(params);
        named.put("input", inputs.get(0));
        return (Tensor) Operators.get(op).run(kernel, opAttrs(s), named).get("output");
    }
}
