package io.opsgi.op;

import java.util.List;
import java.util.Map;

/** Reads attributes written in PyTorch's terms (ints, pairs as lists, strings) from a map. */
final class TorchAttrs {
    private final String op;
    private final Map<String, ?> map;

    TorchAttrs(String op, Map<String, ?> map) {
        this.op = op;
        this.map = map;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    /** An int or a 1- or 2-element list, broadcast as PyTorch's {@code _pair} does. */
    HW pair(String key, HW dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return HW.of(toInt(key, n));
        }
        if (v instanceof List<?> l) {
            OpException.check(l.size() == 1 || l.size() == 2, op, "pair_length",
                    key + " must be a single int or a list of two ints, got " + key + "=" + l);
            int h = toInt(key, l.get(0));
            int w = toInt(key, l.get(l.size() - 1));
            return HW.of(h, w);
        }
        throw new OpException(op, "attribute_type", key + " must be an int or a list of ints, got " + v);
    }

    /** A pool's stride: absent, null or an empty list (ATen's {@code stride.empty()}) mean "the kernel size", returned as null. */
    HW poolStride() {
        Object v = map.get("stride");
        return v instanceof List<?> l && l.isEmpty() ? null : pair("stride", null);
    }

    int integer(String key, int dflt) {
        Object v = map.get(key);
        return v == null ? dflt : toInt(key, v);
    }

    Integer optionalInteger(String key) {
        Object v = map.get(key);
        return v == null ? null : toInt(key, v);
    }

    double number(String key, double dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new OpException(op, "attribute_type", key + " must be a number, got " + v);
    }

    boolean bool(String key, boolean dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new OpException(op, "attribute_type", key + " must be true or false, got " + v);
    }

    String string(String key, String dflt) {
        Object v = map.get(key);
        return v == null ? dflt : v.toString();
    }

    int[] ints(String key) {
        Object v = map.get(key);
        if (!(v instanceof List<?> l)) {
            throw new OpException(op, "attribute_type", key + " must be a list of ints, got " + v);
        }
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = toInt(key, l.get(i));
        }
        return r;
    }

    /** output_size of adaptive pooling: an int, or a pair whose elements may be null (keep the input size). */
    Integer[] nullablePair(String key) {
        Object v = map.get(key);
        if (v instanceof Number n) {
            int i = toInt(key, n);
            return new Integer[] {i, i};
        }
        if (v instanceof List<?> l) {
            OpException.check(l.size() == 2, op, "pair_length", "output_size must be 2, got output_size=" + l);
            return new Integer[] {l.get(0) == null ? null : toInt(key, l.get(0)), l.get(1) == null ? null : toInt(key, l.get(1))};
        }
        throw new OpException(op, "attribute_type", key + " must be an int or a list of two ints, got " + v);
    }

    private int toInt(String key, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e9) {
            return n.intValue();
        }
        throw new OpException(op, "attribute_type", key + " must be an int, got " + v);
    }
}
