package io.opsgi.net;

import io.opsgi.text.TextTable;

/**
 * A network description that cannot work, found before any kernel runs. The message names the
 * layer (its position in the description, its name and type) and the problem, e.g.
 * {@code layer 7 'pool3' (max_pool2d): output size is too small, ... [output_size_too_small]};
 * {@link #rule()} is the id of the broken rule (an operator rule of docs/RULES.md, or one of the
 * network rules listed in examples/README.md).
 */
public final class NetworkException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int layer;
    private final String layerName;
    private final String rule;

    NetworkException(int layer, String layerName, String type, String rule, String detail, Throwable cause) {
        // Names come from the description: escaped, so the message stays one line and cannot carry terminal escapes.
        super(TextTable.escape(prefix(layer, layerName, type) + detail + " [" + rule + "]"), cause);
        this.layer = layer;
        this.layerName = layerName;
        this.rule = rule;
    }

    /** A problem of the description as a whole (no layer). */
    NetworkException(String rule, String detail, Throwable cause) {
        this(0, null, null, rule, detail, cause);
    }

    NetworkException(String rule, String detail) {
        this(rule, detail, null);
    }

    private static String prefix(int layer, String name, String type) {
        if (layer <= 0) {
            return "";
        }
        return "layer " + layer + (name != null ? " '" + name + "'" : "") + (type != null ? " (" + type + ")" : "") + ": ";
    }

    /** The layer's position in the description, counted from 1; 0 for the description as a whole. */
    public int layer() {
        return layer;
    }

    /** The layer's name, or null. */
    public String layerName() {
        return layerName;
    }

    public String rule() {
        return rule;
    }
}
