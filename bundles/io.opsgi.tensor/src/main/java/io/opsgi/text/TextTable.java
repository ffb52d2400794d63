package io.opsgi.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of text cells, rendered as aligned plain-text columns (two spaces apart, a rule under the
 * header) or as a Markdown table. A column whose cells all read as numbers ({@code 1,234},
 * {@code 3.1e-06}, {@code 0.42 ms}, {@code 7x5}; {@code -} and empty cells do not count) is
 * right-aligned. Cells are escaped: a control character (an ANSI escape, a newline, a bidi override)
 * in a layer name cannot clear the screen, colour it or forge a row; it prints as {@code \e},
 * {@code \n} or {@code \}{@code u202e}.
 */
public final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    /** Row indices before which a rule is drawn (e.g. above a totals row). */
    private final List<Integer> rulesBefore = new ArrayList<>();
    /** Per column: null to align by content, else right (true) or left (false). */
    private final Boolean[] forced;

    private TextTable(String[] header) {
        this.header = escapeAll(header);
        this.forced = new Boolean[header.length];
    }

    public static TextTable withHeader(String... header) {
        return new TextTable(header);
    }

    /** Adds a row; cells are {@code String.valueOf}'d and escaped; missing trailing cells are empty. */
    public TextTable row(Object... cells) {
        if (cells.length > header.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.length + " columns: " + Arrays.toString(cells));
        }
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? escape(String.valueOf(cells[i])) : "";
        }
        rows.add(r);
        return this;
    }

    /** A rule before the next row, as above a totals row. */
    public TextTable rule() {
        rulesBefore.add(rows.size());
        return this;
    }

    /** Keeps column {@code i} left-aligned even if its cells read as numbers (version strings, ids). */
    public TextTable left(int i) {
        forced[i] = false;
        return this;
    }

    /** Right-aligns column {@code i} even where some cells are words (a numeric column with "untimed" marks). */
    public TextTable right(int i) {
        forced[i] = true;
        return this;
    }

    /** Aligned columns two spaces apart, a rule under the header, no trailing blanks; one line per row. */
    public String toText() {
        int[] width = widths();
        boolean[] right = rightAligned();
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, right, "", "  ", "");
        ruleLine(sb, width, "", "  ", "", i -> "-".repeat(width[i]));
        for (int r = 0; r < rows.size(); r++) {
            if (rulesBefore.contains(r)) {
                ruleLine(sb, width, "", "  ", "", i -> "-".repeat(width[i]));
            }
            line(sb, rows.get(r), width, right, "", "  ", "");
        }
        return sb.toString();
    }

    /** A GitHub-flavoured Markdown table, padded so that it reads as printed text too. */
    public String toMarkdown() {
        String[] head = Arrays.stream(header).map(TextTable::pipes).toArray(String[]::new);
        List<String[]> body = rows.stream().map(r -> Arrays.stream(r).map(TextTable::pipes).toArray(String[]::new)).toList();
        int[] width = widths(head, body);
        for (int i = 0; i < width.length; i++) {
            width[i] = Math.max(3, width[i]); // a delimiter cell of at least three dashes, as Markdown renderers expect
        }
        boolean[] right = rightAligned();
        StringBuilder sb = new StringBuilder();
        line(sb, head, width, right, "| ", " | ", " |");
        ruleLine(sb, width, "| ", " | ", " |", i -> right[i] ? "-".repeat(Math.max(1, width[i] - 1)) + ":" : "-".repeat(width[i]));
        for (String[] r : body) {
            line(sb, r, width, right, "| ", " | ", " |");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toText();
    }

    /**
     * {@code s} with every control character written out: {@code \n}, {@code \r}, {@code \t},
     * {@code \e} (ESC, which starts ANSI sequences), and {@code \}{@code uXXXX} for the other C0 and
     * C1 controls, DEL, the line and paragraph separators and the bidi embeddings and overrides.
     */
    public static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\u001b' -> "\\e";
                default -> dangerous(c) ? String.format("\\u%04x", (int) c) : null;
            };
            if (e != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (e != null) {
                    sb.append(e);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean dangerous(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }

    private static String[] escapeAll(String[] cells) {
        return Arrays.stream(cells).map(c -> c == null ? "" : escape(c)).toArray(String[]::new);
    }

    private static String pipes(String cell) {
        return cell.replace("|", "\\|");
    }

    private int[] widths() {
        return widths(header, rows);
    }

    private static int[] widths(String[] head, List<String[]> body) {
        int[] width = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            width[i] = head[i].length();
            for (String[] r : body) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        return width;
    }

    private boolean[] rightAligned() {
        boolean[] right = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            boolean any = false, all = true;
            for (String[] r : rows) {
                if (r[i].isEmpty() || r[i].equals("-")) {
                    continue;
                }
                any = true;
                all &= readsAsNumber(r[i]);
            }
            right[i] = forced[i] != null ? forced[i] : any && all;
        }
        return right;
    }

    /** Starts like a number: a digit, or a sign or point then a digit, or inf/nan. */
    static boolean readsAsNumber(String cell) {
        String s = cell.startsWith("-") || cell.startsWith("+") || cell.startsWith("~") || cell.startsWith(">") || cell.startsWith("<")
                ? cell.substring(1) : cell;
        s = s.startsWith(".") ? s.substring(1) : s;
        return !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.equals("inf") || s.equals("nan"));
    }

    private interface RuleCell {
        String of(int column);
    }

    private static void ruleLine(StringBuilder sb, int[] width, String open, String gap, String close, RuleCell cell) {
        StringBuilder line = new StringBuilder(open);
        for (int i = 0; i < width.length; i++) {
            line.append(i == 0 ? "" : gap).append(cell.of(i));
        }
        sb.append(line.append(close).toString().stripTrailing()).append('\n');
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, boolean[] right, String open, String gap, String close) {
        StringBuilder line = new StringBuilder(open);
        for (int i = 0; i < cells.length; i++) {
            String pad = " ".repeat(width[i] - cells[i].length());
            line.append(i == 0 ? "" : gap).append(right[i] ? pad + cells[i] : cells[i] + pad);
        }
        sb.append(line.append(close).toString().stripTrailing()).append('\n');
    }
}
