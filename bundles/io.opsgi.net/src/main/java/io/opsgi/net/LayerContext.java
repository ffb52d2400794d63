package io.opsgi.net;

import io.opsgi.tensor.Shape;
import java.util.List;
import java.util.Map;

/** One layer being planned: its spec, position, and the shapes of the layers it reads. */
final class LayerContext {
    final int index;
    final LayerSpec spec;
    final List<String> inputNames;
    final List<Shape> inputShapes;

    LayerContext(int index, LayerSpec spec, List<String> inputNames, List<Shape> inputShapes) {
        this.index = index;
        this.spec = spec;
        this.inputNames = inputNames;
        this.inputShapes = inputShapes;
    }

    Shape input() {
        return inputShapes.get(0);
    }

    Map<String, Object> attrs() {
        return spec.attrs();
    }

    NetworkException error(String rule, String detail) {
        return new NetworkException(index, spec.name(), spec.type(), rule, detail, null);
    }

    boolean has(String key) {
        return spec.attrs().get(key) != null;
    }

    /** A required non-negative int attribute (a module hyperparameter such as out_channels). */
    int count(String key) {
        Object v = spec.attrs().get(key);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0 || n.doubleValue() > Integer.MAX_VALUE) {
            throw error("attribute_type", key + " must be a non-negative int, got " + key + "=" + v);
        }
        return n.intValue();
    }

    int count(String key, int dflt) {
        return has(key) ? count(key) : dflt;
    }

    boolean bool(String key, boolean dflt) {
        return optional(key, Boolean.class, dflt, "true or false");
    }

    double number(String key, double dflt) {
        return optional(key, Number.class, dflt, "a number").doubleValue();
    }

    /** An optional attribute of one JSON type, or {@code dflt}; another type is rule {@code attribute_type}. */
    private <T> T optional(String key, Class<T> type, T dflt, String what) {
        Object v = spec.attrs().get(key);
        if (v == null) {
            return dflt;
        }
        if (!type.isInstance(v)) {
            throw error("attribute_type", key + " must be " + what + ", got " + key + "=" + v);
        }
        return type.cast(v);
    }

    /** An int or a list of one or two ints, as PyTorch's {@code _pair}: {h, w}. */
    int[] pair(String key) {
        Object v = spec.attrs().get(key);
        if (v instanceof Number) {
            int k = count(key);
            return new int[] {k, k};
        }
        if (v instanceof List<?> l && (l.size() == 1 || l.size() == 2) && l.stream().allMatch(e -> e instanceof Number n && n.doubleValue() >= 0
                && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() <= Integer.MAX_VALUE)) {
            return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(l.size() - 1)).intValue()};
        }
        throw error("attribute_type", key + " must be an int or a list of two ints, got " + key + "=" + v);
    }

    /** The channel dimension of the (first) input: dim 1 of a batched input, dim 0 of an unbatched (C, H, W) one. */
    int channels(boolean unbatchedAllowed) {
        Shape x = input();
        return unbatchedAllowed && x.rank() == 3 ? x.dim(0) : x.rank() >= 2 ? x.dim(1) : -1;
    }

    /** "its input 'pool1' of shape [1, 32, 56, 56]", for messages. */
    String describeInput() {
        return "its input '" + inputNames.get(0) + "' of shape " + input();
    }
}
