package io.opsgi.net;

import io.opsgi.op.Kernel;
import io.opsgi.op.Operators;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the network layer needs to know of one layer type: its attributes, parameters, output shape
 * (from the operator contract, never by running a kernel), multiply-adds, effect on the receptive
 * field, and how to run it. Types are registered in {@link LayerTypes}.
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

    /** How many inputs the layer reads. */
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

    /** The output shape from the contract; an invalid configuration throws the contract's {@code OpException}. */
    abstract Shape outputShape(LayerContext c, Map<String, Shape> params);

    /** Multiply-adds of one run (see examples/README.md for what each type counts). */
    long macs(LayerContext c, Shape out) {
        return 0;
    }

    /** The receptive field after this layer, from those of its inputs. */
    Field field(LayerContext c, List<Field> in, Shape out) {
        return in.get(0);
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
