package io.opsgi.net;

import java.util.List;

/** Plain-text columns: numbers right-aligned, text left-aligned, two spaces apart, a rule under the header. */
final class TextTable {
    private TextTable() {
    }

    static String format(List<String[]> rows, boolean[] rightAligned) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int row = 0; row < rows.size(); row++) {
            appendRow(sb, rows.get(row), width, rightAligned);
            if (row == 0) {
                String[] rule = new String[cols];
                for (int i = 0; i < cols; i++) {
                    rule[i] = "-".repeat(width[i]);
                }
                appendRow(sb, rule, width, rightAligned);
            }
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String[] r, int[] width, boolean[] right) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
            String cell = r[i];
            String pad = " ".repeat(width[i] - cell.length());
            line.append(i == 0 ? "" : "  ").append(right[i] ? pad + cell : cell + pad);
        }
        sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }

    /** 1234567 -> {@code 1,234,567}. */
    static String count(long v) {
        return String.format(java.util.Locale.ROOT, "%,d", v);
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
        return String.format(java.util.Locale.ROOT, x >= 100 ? "%.0f%s" : x >= 10 ? "%.1f%s" : "%.2f%s", x, units[u]);
    }

    static String megabytes(long floats) {
        return String.format(java.util.Locale.ROOT, "%.2f MB", floats * 4 / 1e6);
    }
}
