package io.opsgi.runtime;

import io.opsgi.text.TextTable;
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

    /** The first row is the header: aligned columns, numbers right (the shared {@link TextTable} renderer). */
    public static String table(List<String[]> rows) {
        TextTable t = TextTable.withHeader(rows.get(0));
        rows.subList(1, rows.size()).forEach(r -> t.row((Object[]) r));
        return t.toText();
    }
}
