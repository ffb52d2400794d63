package io.opsgi.net;

import io.opsgi.net.NetworkRunner.LayerRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The torchinfo-style table of a planned network: per layer its output shape, parameters,
 * multiply-adds, and the receptive field and jump after it; then the totals. Computed from the
 * plan alone: no kernel runs, no weight is read.
 */
public final class Summary {
    private Summary() {
    }

    public static String table(Network net) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "layer", "type", "input", "output shape", "params", "mult-adds", "RF", "jump"});
        long activations = 0;
        for (PlannedLayer l : net.layers()) {
            rows.add(new String[] {Integer.toString(l.index()), l.name(), l.type(), String.join(", ", l.inputs()), l.outputShape().toString(),
                    l.parameters() == 0 ? "-" : TextTable.count(l.parameters()), l.macs() == 0 ? "-" : TextTable.compact(l.macs()),
                    l.field().describeRf(), l.field().describeJump()});
            activations += l.outputShape().size();
        }
        PlannedLayer out = net.layer(net.output());
        StringBuilder sb = new StringBuilder();
        sb.append(net.description().name()).append(": input ").append(net.inputShape()).append(", output '").append(net.output()).append("' ")
                .append(net.outputShape()).append(", weights ").append(describe(net.description().weights())).append(System.lineSeparator());
        sb.append(TextTable.format(rows, new boolean[] {true, false, false, false, false, true, true, true, true}));
        sb.append(String.format(Locale.ROOT, "total params: %s (trainable, as PyTorch counts them)%s%n", TextTable.count(net.parameters()),
                net.buffers() == 0 ? "" : "; buffers: " + TextTable.count(net.buffers()) + " (batch norm running statistics)"));
        sb.append(net.macs() == Long.MAX_VALUE ? String.format(Locale.ROOT, "total mult-adds: more than %s (beyond a long)%n", TextTable.count(net.macs()))
                : String.format(Locale.ROOT, "total mult-adds: %s (%s)%n", TextTable.count(net.macs()), TextTable.compact(net.macs())));
        sb.append(String.format(Locale.ROOT, "receptive field of the output: %s, jump %s%n", out.field().describeRf(), out.field().describeJump()));
        sb.append(String.format(Locale.ROOT, "sizes (float32): input %s, params %s, buffers %s, activations %s (every layer's output)%n",
                TextTable.megabytes(net.inputShape().size()), TextTable.megabytes(net.parameters()), TextTable.megabytes(net.buffers()),
                TextTable.megabytes(activations)));
        return sb.toString();
    }

    /** The per-layer report of a run: output shape, time, and the kernel variant that answered each layer. */
    public static String runTable(NetworkRunner.Result r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "layer", "type", "output shape", "time ms", "kernel"});
        for (LayerRun run : r.layers()) {
            PlannedLayer l = run.layer();
            rows.add(new String[] {Integer.toString(l.index()), l.name(), l.type(), l.outputShape().toString(),
                    String.format(Locale.ROOT, "%.3f", run.nanos() / 1e6),
                    run.servedBy() == null ? "- (no kernel)" : run.servedBy().variant() + " (" + run.servedBy().bundle() + ")"});
        }
        return TextTable.format(rows, new boolean[] {true, false, false, false, true, false})
                + String.format(Locale.ROOT, "total: %.3f ms%n", r.nanos() / 1e6);
    }

    private static String describe(WeightSource w) {
        return w instanceof WeightSource.NpyFiles f ? "from " + f.dir() : "seeded (" + ((WeightSource.Seeded) w).seed() + ")";
    }
}
