package io.opsgi.runtime;

import io.opsgi.text.TextTable;
import io.opsgi.op.GeometryClass;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Formats the registry's view as a plain-text table (shell and command line share it). */
public final class KernelTable {
    private KernelTable() {
    }

    /**
     * One row per (op, kernel): ranking, state, {@code *} where it serves (with the geometry classes
     * it serves when the op has several), the median call time the gate measured per class, the
     * bundle, and the verdict with its reason (the op's own counts; the first failure for a quarantine).
     */
    public static String format(List<KernelDescriptor> kernels) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"OP", "VARIANT", "RANKING", "STATE", "ACTIVE", "MEASURED", "BUNDLE", "VERDICT"});
        for (KernelDescriptor k : kernels) {
            rows.add(new String[] {k.op(), k.variant(), Integer.toString(k.ranking()), k.state().name().toLowerCase(), active(k), measured(k),
                    k.bundle(), verdict(k)});
        }
        return table(rows);
    }

    private static String active(KernelDescriptor k) {
        String where = !k.active() ? "" : k.activeClasses().equals(List.of(GeometryClass.ALL)) ? "*" : "* " + String.join(",", k.activeClasses());
        return (where + (k.pinned() ? " pinned" : "")).trim();
    }

    private static String measured(KernelDescriptor k) {
        if (k.measured().isEmpty()) {
            return "-";
        }
        if (k.measured().keySet().equals(java.util.Set.of(GeometryClass.ALL))) {
            return VerificationReport.millis(k.measured().get(GeometryClass.ALL));
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(k.measured()).forEach((cls, nanos) -> sb.append(sb.length() == 0 ? "" : ", ").append(cls).append(' ')
                .append(VerificationReport.millis(nanos)));
        return sb.toString();
    }

    /** Longest reason shown in the table; {@code report OP VARIANT} prints it whole. */
    private static final int REASON_CHARS = 160;

    private static String verdict(KernelDescriptor k) {
        VerificationReport r = k.report();
        if (r == null) {
            return "-";
        }
        if (r.passed()) {
            return r.summary(k.op());
        }
        String reason = r.details().isEmpty() ? r.summary() : r.summary() + ": " + r.details().get(0).lines().findFirst().orElse("");
        return reason.length() <= REASON_CHARS ? reason : reason.substring(0, REASON_CHARS - 3) + "...";
    }

    /** One kernel's state and its last verification report in full. */
    public static String report(KernelDescriptor k) {
        String head = k.op() + "/" + k.variant() + " (" + k.bundle() + ", ranking " + k.ranking() + "): " + k.state().name().toLowerCase()
                + (k.active() ? ", active" : "") + (k.pinned() ? ", pinned" : "");
        return head + System.lineSeparator() + (k.report() == null ? "not verified yet" : k.report().text()) + System.lineSeparator();
    }

    /** The first row is the header: aligned columns, numbers right (the shared {@link TextTable} renderer). */
    public static String table(List<String[]> rows) {
        TextTable t = TextTable.withHeader(rows.get(0));
        rows.subList(1, rows.size()).forEach(r -> t.row((Object[]) r));
        return t.toText();
    }
}
