package io.opsgi.report;

/** The few pieces of HTML every report page shares: escaping and the page frame. */
final class Html {
    private Html() {
    }

    static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c < 0x20 && c != '\n' && c != '\t' ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.toString();
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>\n<style>\n"
                + "body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}"
                + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}td.n{text-align:right}"
                + ".fail{color:#b00;font-weight:bold}.pass{color:#070}pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;max-width:44em}img{display:block}"
                + "\n</style></head><body>\n<h1>" + esc(title) + "</h1>\n" + body + "</body></html>\n";
    }
}
