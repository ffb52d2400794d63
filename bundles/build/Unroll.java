import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a register kernel unrolled to each of several widths from one template, at a bundle's generate-sources phase
 * (bundles/pom.xml's {@code unroll} execution runs this file as a source program):
 * {@code java Unroll.java TEMPLATE OUT_ROOT WIDTHS [LIST]}, WIDTHS like {@code 7,6,4}.
 *
 * <p>C2 keeps vector accumulators in registers only as separate locals, not as array elements, so a kernel holding W
 * accumulators is W copies of the same statements. One template keeps the widths from drifting apart. Template syntax:
 * the template is a Java source whose class is named {@code <Name>#P}; the lines between {@code //#for k} and
 * {@code //#end} are written once per k = 0..P-1 with {@code #2k} replaced by 2k and {@code #k} by k; {@code #P} is P
 * everywhere. Products by 0 and 1 are tidied ({@code x + 0 * V} is written {@code x}). With LIST, a class of that name
 * holding one instance per width, {@code static final <Name>[] ALL} in the order given, and {@code of(width)}, is written too. A file is
 * rewritten only when its text changes, so an unchanged build recompiles nothing.
 */
public final class Unroll {
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern CLASS = Pattern.compile("\\bclass (\\w+)#P\\b");

    private Unroll() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: Unroll TEMPLATE OUT_ROOT WIDTHS [LIST]");
        }
        Path templateFile = Path.of(args[0]);
        List<String> template = Files.readAllLines(templateFile, StandardCharsets.UTF_8);
        String text = String.join("\n", template);
        String pkg = find(PACKAGE, text, templateFile + ": no package line");
        String name = find(CLASS, text, templateFile + ": no class named <Name>#P");
        Path dir = Path.of(args[1]).resolve(pkg.replace('.', '/'));
        Files.createDirectories(dir);
        int[] widths = Arrays.stream(args[2].split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        for (int p : widths) {
            write(dir.resolve(name + p + ".java"), expand(template, p));
        }
        // A width dropped from the list since the last build would otherwise stay in the output and fail to compile.
        Pattern generated = Pattern.compile(Pattern.quote(name) + "(\\d+)\\.java");
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                var m = generated.matcher(f.getFileName().toString());
                if (m.matches() && Arrays.stream(widths).noneMatch(p -> p == Integer.parseInt(m.group(1)))) {
                    Files.delete(f);
                }
            }
        }
        if (args.length > 3 && !args[3].isBlank()) {
            write(dir.resolve(args[3] + ".java"), list(pkg, name, args[3], widths));
        }
    }

    static String expand(List<String> template, int width) {
        StringBuilder out = new StringBuilder();
        List<String> block = null;
        for (String line : template) {
            String directive = line.strip();
            if (directive.equals("//#for k")) {
                block = new ArrayList<>();
            } else if (directive.equals("//#end")) {
                for (int k = 0; k < width; k++) {
                    for (String b : block) {
                        out.append(tidy(b.replace("#2k", Integer.toString(2 * k)).replace("#k", Integer.toString(k))
                            .replace("#P", Integer.toString(width)))).append('\n');
                    }
                }
                block = null;
            } else if (block != null) {
                block.add(line);
            } else {
                out.append(line.replace("#P", Integer.toString(width))).append('\n');
            }
        }
        if (block != null) {
            throw new IllegalArgumentException("a //#for k block has no //#end");
        }
        return out.toString();
    }

    /** Drops the products by 0 and 1 that pixel or row 0 and 1 leave, so the code reads as if written by hand. */
    private static String tidy(String line) {
        return line.replaceAll(" \\+ 0 \\* \\w+", "")      // out0 + 0 * LANES -> out0
            .replaceAll("(?<![\\w.])0 \\* \\w+ \\+ ", "")   // 0 * NR + V -> V
            .replaceAll("(?<![\\w.])0 \\* \\w+", "0")       // 0 * step -> 0
            .replaceAll("(?<![\\w.])1 \\* (?=\\w)", "")     // 1 * LANES -> LANES
            .replace(" + 0]", "]");                         // x[q + 0] -> x[q]
    }

    private static String list(String pkg, String name, String listName, int[] widths) {
        return String.join("\n",
            "package " + pkg + ";",
            "",
            "// Generated by bundles/build/Unroll.java from the widths in the module's pom.",
            "/** The generated {@link " + name + "} widths, one instance each, in the order the pom lists them. */",
            "final class " + listName + " {",
            "    static final " + name + "[] ALL = {" + Arrays.stream(widths).mapToObj(p -> "new " + name + p + "()")
                .collect(Collectors.joining(", ")) + "};",
            "    private static final int[] WIDTHS = {" + Arrays.stream(widths).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ")) + "};",
            "",
            "    private " + listName + "() {",
            "    }",
            "",
            "    /** The instance of {@code width}, one of the widths generated. */",
            "    static " + name + " of(int width) {",
            "        for (int i = 0; i < WIDTHS.length; i++) {",
            "            if (WIDTHS[i] == width) {",
            "                return ALL[i];",
            "            }",
            "        }",
            "        throw new IllegalArgumentException(\"no " + name + " of width \" + width + \" were generated: \" + java.util.Arrays.toString(WIDTHS));",
            "    }",
            "}",
            "");
    }

    private static String find(Pattern p, String text, String missing) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(missing);
        }
        return m.group(1);
    }

    private static void write(Path file, String text) throws IOException {
        if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
    }
}
