package io.opsgi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** The JUnit XML follows the Ant/Surefire shape CI servers read, with a testcase per (kernel, case) and per property. */
class JUnitXmlTest {
    @TempDir
    Path dir;

    private static Schema antSchema() throws SAXException {
        return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(JUnitXmlTest.class.getResource("/junit-ant.xsd"));
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    @Test
    void oneFileHoldsEverySuiteAndFollowsTheSchema() throws Exception {
        VerifyRun run = Fixtures.run(dir, Map.of("bundle", "k.jar"));
        Path file = dir.resolve("verify.xml");
        assertEquals(List.of(file), JUnitXml.write(run, file));
        String xml = Files.readString(file);
        antSchema().newValidator().validate(new StreamSource(new StringReader(xml)));

        Document doc = parse(xml);
        assertEquals("testsuites", doc.getDocumentElement().getTagName());
        NodeList suites = doc.getElementsByTagName("testsuite");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < suites.getLength(); i++) {
            Element s = (Element) suites.item(i);
            names.add(s.getAttribute("name"));
            int cases = s.getElementsByTagName("testcase").getLength();
            assertEquals(cases, Integer.parseInt(s.getAttribute("tests")), s.getAttribute("name"));
            assertEquals(s.getElementsByTagName("failure").getLength(), Integer.parseInt(s.getAttribute("failures")), s.getAttribute("name"));
        }
        assertEquals(List.of("opsgi.relu.good", "opsgi.relu.mathmax", "opsgi.relu.plusone", "opsgi.relu.thrower", "opsgi.properties.ActivationProperties"),
                names);
        Element mathmax = (Element) suites.item(1);
        Element failure = (Element) mathmax.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").contains("differs only in the sign of zero"), failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("repro: ./opsgi verify --bundle k.jar --op relu --variant mathmax --case relu_zeros"),
                failure.getTextContent());
        Element property = (Element) ((Element) suites.item(4)).getElementsByTagName("testcase").item(1);
        assertEquals("agreesWithReference", property.getAttribute("name"));
        assertEquals(1, property.getElementsByTagName("failure").getLength());
    }

    @Test
    void controlCharactersInAKernelsMessageStillMakeWellFormedXml() throws Exception {
        String xml = Files.readString(JUnitXml.write(Fixtures.run(dir, Map.of()), dir.resolve("v.xml")).get(0));
        Document doc = parse(xml); // a raw \u0001 would make this throw
        String thrower = ((Element) doc.getElementsByTagName("testsuite").item(3)).getElementsByTagName("failure").item(0).getTextContent();
        assertTrue(thrower.contains("boom <script>alert(1)</script> \\u0001\\u001b[2J & \"quotes\""), thrower);
    }

    @Test
    void aDirectoryGetsOneSurefireFilePerSuite() throws Exception {
        Path reports = Files.createDirectory(dir.resolve("reports"));
        List<Path> files = JUnitXml.write(Fixtures.run(dir, Map.of()), reports);
        assertEquals(5, files.size());
        assertEquals(reports.resolve("TEST-opsgi.relu.good.xml"), files.get(0));
        for (Path f : files) {
            antSchema().newValidator().validate(new StreamSource(f.toFile()));
            assertEquals("testsuite", parse(Files.readString(f)).getDocumentElement().getTagName());
        }
    }

    /** The schema check bites: a testcase without its name, or a failure without a type, is refused. */
    @Test
    void theSchemaRefusesAMalformedReport() throws Exception {
        Schema schema = antSchema();
        String noName = "<testsuite name='s' tests='1' failures='0' errors='0' time='0'><testcase classname='c' time='0'/></testsuite>";
        String noType = "<testsuite name='s' tests='1' failures='1' errors='0' time='0'><testcase name='n' classname='c' time='0'>"
                + "<failure message='m'>x</failure></testcase></testsuite>";
        for (String bad : List.of(noName, noType)) {
            assertThrows(SAXException.class, () -> schema.newValidator().validate(new StreamSource(new StringReader(bad))), bad);
        }
    }
}
