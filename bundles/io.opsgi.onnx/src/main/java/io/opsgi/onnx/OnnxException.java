package io.opsgi.onnx;

import io.opsgi.text.TextTable;
import java.util.List;

/**
 * An ONNX file opsgi cannot run, found before any kernel runs: the file is unreadable or not ONNX
 * (one problem), or some of its nodes use an op, attribute value, opset or data type the importer
 * does not support (one problem per node and feature, all of them at once). Each problem is one
 * line naming the node, its op type, the opset and what is missing, e.g.
 * {@code node 'Conv_3' (Conv, opset 14): kernel_shape of 3 dimensions; only 2-D convolutions are supported}.
 */
public final class OnnxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    OnnxException(String file, List<String> problems) {
        this(TextTable.escape(file), problems.stream().map(TextTable::escape).toList(), true);
    }

    /** Names come from the file: escaped, so each problem stays one line and cannot carry terminal escapes. */
    private OnnxException(String file, List<String> escaped, boolean marker) {
        super(message(file, escaped));
        this.problems = escaped;
    }

    private static String message(String file, List<String> problems) {
        if (problems.size() == 1) {
            return file + ": " + problems.get(0);
        }
        return file + ": " + problems.size() + " problems:" + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems);
    }

    /** Every problem, one line each (without the file name). */
    public List<String> problems() {
        return problems;
    }
}
