package io.opsgi.runtime;

import java.util.ArrayList;
import java.util.List;

/** Formats the registry's view as a plain-text table (shell and command line share it). */
public final class KernelTable {
    private KernelTable() {
    }

    public static String format(List<KernelDescriptor> kernels) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"OP", "VARIANT", "RANKING", "STATE", "ACTIVE", "BUNDLE", "LAST VERIFICATION"});
        for (KernelDescriptor k : kernels) {
            rows.add(new String[] {k.op(), k.variant(), Integer.toString(k.ranking()), k.state().name().toLowerCase(),
                    (k.active() ? "*" : "") + (k.pinned() ? " pinned" : ""), k.bundle(), k.report() == null ? "-" : k.report().summary()});
        }
        return table(rows);
    }

    /** One kernel's state and its last verification report in full. */
    public static String report(KernelDescriptor k) {
        String head = k.op() + "/" + k.variant() + " (" + k.bundle() + ", ranking " + k.ranking() + "): " + k.state().name().toLowerCase()
                + (k.active() ? ", active" : "") + (k.pinned() ? ", pinned" : "");
        return head + System.lineSeparator() + (k.report() == null ? "not verified yet" : k.report().text()) + System.lineSeparator();
    }

    /** Left-aligned columns separated by two spaces. */
    public static String table(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                sb.append(i == cols - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }
}
