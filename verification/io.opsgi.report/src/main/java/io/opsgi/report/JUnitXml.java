package io.opsgi.report;

import io.opsgi.conformance.CaseResult;
import io.opsgi.properties.check.PropertyResult;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A verify run in the Ant/Surefire JUnit XML shape that CI servers read: one {@code <testsuite>}
 * per kernel ({@code opsgi.conv2d.direct}) with a {@code <testcase>} per vector case, and one per
 * property class with a {@code <testcase>} per property. Failures carry the first line as
 * {@code message} and the whole account as text; skipped cases their reason.
 */
public final class JUnitXml {
    private JUnitXml() {
    }

    /** One suite: what a {@code TEST-*.xml} file holds. */
    record Suite(String name, List<Case> cases) {
        long count(Outcome o) {
            return cases.stream().filter(c -> c.outcome == o).count();
        }
    }

    enum Outcome {
        PASSED, FAILED, SKIPPED
    }

    /** @param message one line: what went wrong or why it was skipped; {@code detail} the whole account */
    record Case(String classname, String name, Outcome outcome, String message, String detail, double seconds) {
    }

    /**
     * Writes {@code target}: into an existing directory one {@code TEST-<suite>.xml} per suite
     * (Surefire's layout), else one file with a {@code <testsuites>} root.
     */
    public static List<Path> write(VerifyRun run, Path target) throws IOException {
        List<Suite> suites = suites(run);
        List<Path> written = new ArrayList<>();
        if (Files.isDirectory(target)) {
            for (Suite s : suites) {
                Path f = target.resolve("TEST-" + s.name() + ".xml");
                Files.writeString(f, xml(List.of(s), false));
                written.add(f);
            }
        } else {
            Files.writeString(target, xml(suites, true));
            written.add(target);
        }
        return written;
    }

    static List<Suite> suites(VerifyRun run) {
        Map<String, List<Case>> byKernel = new LinkedHashMap<>();
        for (CaseResult r : run.conformance().results()) {
            String suite = "opsgi." + r.op() + "." + r.variant();
            Outcome o = r.passed() ? Outcome.PASSED : r.failed() ? Outcome.FAILED : Outcome.SKIPPED;
            String detail = r.failed() ? r.describe() + "\nrepro: " + run.repro(r) : r.reason();
            byKernel.computeIfAbsent(suite, k -> new ArrayList<>()).add(new Case(suite, r.caseName(), o, firstLine(r.reason()), detail, 0));
        }
        List<Suite> suites = new ArrayList<>();
        byKernel.forEach((name, cases) -> suites.add(new Suite(name, cases)));
        if (run.properties() != null) {
            Map<String, List<Case>> byClass = new LinkedHashMap<>();
            for (PropertyResult p : run.properties().results()) {
                String suite = "opsgi.properties." + p.container();
                Outcome o = switch (p.status()) {
                    case PASSED -> Outcome.PASSED;
                    case FAILED -> Outcome.FAILED;
                    case NOT_APPLICABLE -> Outcome.SKIPPED;
                };
                String detail = o == Outcome.FAILED ? p.describe() : o == Outcome.SKIPPED ? "not applicable: " + p.error() : null;
                byClass.computeIfAbsent(suite, k -> new ArrayList<>())
                        .add(new Case(suite, p.property(), o, firstLine(p.error()), detail, p.millis() / 1000.0));
            }
            byClass.forEach((name, cases) -> suites.add(new Suite(name, cases)));
        }
        return suites;
    }

    static String xml(List<Suite> suites, boolean wrapped) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            if (wrapped) {
                w.writeCharacters("\n");
                w.writeStartElement("testsuites");
            }
            for (Suite s : suites) {
                suite(w, s);
            }
            if (wrapped) {
                w.writeCharacters("\n");
                w.writeEndElement();
            }
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new UncheckedIOException(new IOException("JUnit XML: " + e.getMessage(), e));
        }
        return out.toString() + "\n";
    }

    private static void suite(XMLStreamWriter w, Suite s) throws XMLStreamException {
        w.writeCharacters("\n");
        w.writeStartElement("testsuite");
        w.writeAttribute("name", s.name());
        w.writeAttribute("tests", Integer.toString(s.cases().size()));
        w.writeAttribute("failures", Long.toString(s.count(Outcome.FAILED)));
        w.writeAttribute("errors", "0");
        w.writeAttribute("skipped", Long.toString(s.count(Outcome.SKIPPED)));
        w.writeAttribute("time", seconds(s.cases().stream().mapToDouble(Case::seconds).sum()));
        for (Case c : s.cases()) {
            w.writeCharacters("\n  ");
            w.writeStartElement("testcase");
            w.writeAttribute("classname", c.classname());
            w.writeAttribute("name", c.name());
            w.writeAttribute("time", seconds(c.seconds()));
            if (c.outcome() == Outcome.FAILED) {
                w.writeStartElement("failure");
                w.writeAttribute("message", text(c.message()));
                w.writeAttribute("type", "AssertionError");
                w.writeCharacters(text(c.detail()));
                w.writeEndElement();
            } else if (c.outcome() == Outcome.SKIPPED) {
                w.writeEmptyElement("skipped");
                w.writeAttribute("message", text(c.message()));
            }
            w.writeEndElement();
        }
        w.writeCharacters("\n");
        w.writeEndElement();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** XML 1.0 cannot carry most control characters, even escaped: a kernel's message may hold any. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
            sb.append(allowed ? Character.toString(c) : String.format("\\u%04x", c));
        });
        return sb.toString();
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
