package io.opsgi.net;

import io.opsgi.net.NetworkRunner.LayerRun;
import io.opsgi.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The torchinfo-style table of a planned network: per layer its output shape, parameters,
 * multiply-adds, and the receptive field and jump after it; then the totals. Computed from the
 * plan alone: no kernel runs, no weight is read.
 */
public final class NetworkSummary {
    private NetworkSummary() {
    }

    public static String table(Network net) {
        TextTable table = TextTable.withHeader("#", "layer", "type", "input", "output shape", "params", "mult-adds", "RF", "jump")
                .right(5).right(6).right(7).right(8);
        long activations = 0;
        for (PlannedLayer l : net.layers()) {
            table.row(l.index(), l.name(), l.type(), String.join(", ", l.inputs()), l.outputShape(), l.parameters() == 0 ? "-" : count(l.parameters()),
                    l.macs() == 0 ? "-" : compact(l.macs()), l.field().describeRf(), l.field().describeJump());
            activations += l.outputShape().size();
        }
        StringBuilder sb = new StringBuilder();
        // Names and paths come from the description: escaped like the table's cells.
        sb.append(TextTable.escape(net.description().name() + ": input " + net.inputShape() + ", " + describeOutputs(net)
                + ", weights " + describe(net.description().weights()))).append(System.lineSeparator());
        sb.append(table.toText());
        sb.append(String.format(Locale.ROOT, "total params: %s (trainable, as PyTorch counts them)%s%n", count(net.parameters()),
                net.buffers() == 0 ? "" : "; buffers: " + count(net.buffers()) + " (batch norm running statistics)"));
        sb.append(net.macs() == Long.MAX_VALUE ? String.format(Locale.ROOT, "total mult-adds: more than %s (beyond a long)%n", count(net.macs()))
                : String.format(Locale.ROOT, "total mult-adds: %s (%s)%n", count(net.macs()), compact(net.macs())));
        for (String o : net.outputs()) {
            PlannedLayer out = net.layer(o);
            if (out != null) {
                sb.append(String.format(Locale.ROOT, "receptive field of the output%s: %s, jump %s%n", net.outputs().size() == 1 ? "" : " '" + o + "'",
                        out.field().describeRf(), out.field().describeJump()));
            }
        }
        sb.append(String.format(Locale.ROOT, "sizes (float32): input %s, params %s, buffers %s, activations %s (every layer's output)%n",
                megabytes(net.inputShape().size()), megabytes(net.parameters()), megabytes(net.buffers()),
                megabytes(activations)));
        return sb.toString();
    }

    /** {@code output 'fc' [1, 10]}, or {@code outputs 'features' [1, 8, 4, 4], 'fc' [1, 10]} for several. */
    private static String describeOutputs(Network net) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < net.outputs().size(); i++) {
            parts.add("'" + net.outputs().get(i) + "' " + net.outputShapes().get(i));
        }
        return (parts.size() == 1 ? "output " : "outputs ") + String.join(", ", parts);
    }

    /** The per-layer report of a run: output shape, time, and the kernel variant that answered each layer. */
    public static String runTable(NetworkRunner.Result r) {
        TextTable table = TextTable.withHeader("#", "layer", "type", "output shape", "time ms", "kernel").right(4);
        for (LayerRun run : r.layers()) {
            PlannedLayer l = run.layer();
            table.row(l.index(), l.name(), l.type(), l.outputShape(), String.format(Locale.ROOT, "%.3f", run.nanos() / 1e6),
                    run.servedBy() == null ? "- (no kernel)" : run.servedBy().variant() + " (" + run.servedBy().bundle() + ")");
        }
        return table.toText() + String.format(Locale.ROOT, "total: %.3f ms%n", r.nanos() / 1e6);
    }

    /** 1234567 -> {@code 1,234,567}. */
    static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** 1234567 -> {@code 1.23M}; below 1000 as is. */
    static String compact(long v) {
        if (v < 1000) {
            return Long.toString(v);
        }
        String[] units = {"K", "M", "G", "T"};
        double x = v;
        int u = -1;
        while (x >= 1000 && u < units.length - 1) {
            x /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, x >= 100 ? "%.0f%s" : x >= 10 ? "%.1f%s" : "%.2f%s", x, units[u]);
    }

    static String megabytes(long floats) {
        return String.format(Locale.ROOT, "%.2f MB", floats * 4 / 1e6);
    }

    private static String describe(WeightSource w) {
        if (w instanceof WeightSource.InMemory) {
            return "in memory";
        }
        return w instanceof WeightSource.NpyFiles f ? "from " + f.dir() : "seeded (" + ((WeightSource.Seeded) w).seed() + ")";
    }
}
