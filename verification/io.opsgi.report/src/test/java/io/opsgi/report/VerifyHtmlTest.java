package io.opsgi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML page: a real plot per op, the failures with attributes and repro, nothing from a kernel rendered as markup. */
class VerifyHtmlTest {
    private static final Pattern PNG = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    @TempDir
    Path dir;

    @Test
    void aPlotPerOpAndTheFailures() throws Exception {
        String html = VerifyHtml.of(Fixtures.run(dir, Map.of()));
        Matcher m = PNG.matcher(html);
        assertTrue(m.find(), "no embedded plot");
        BufferedImage plot = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertNotNull(plot, "the plot is not a PNG");
        assertEquals(720, plot.getWidth());
        assertFalse(m.find(), "one op, one plot");
        assertTrue(html.contains("3 failed"), html);
        assertTrue(html.contains("./opsgi verify --op relu --variant plusone --case relu_zeros --cases"), html);
        assertTrue(html.contains("PyTorch 1.13.0a0"), html);
        assertTrue(html.contains("agreesWithReference"), html);
    }

    @Test
    void aKernelsMessageIsEscaped() throws Exception {
        String html = VerifyHtml.of(Fixtures.run(dir, Map.of()));
        assertFalse(html.contains("<script>"), "a kernel's message became markup");
        assertTrue(html.contains("boom &lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertFalse(html.contains("\u001b"), "an escape sequence went through raw");
    }

    @Test
    void bucketsOfToleranceUse() {
        assertEquals(0, VerifyHtml.bucket(0));
        assertEquals(1, VerifyHtml.bucket(0.005));
        assertEquals(2, VerifyHtml.bucket(0.05));
        assertEquals(3, VerifyHtml.bucket(0.5));
        assertEquals(4, VerifyHtml.bucket(1));
        assertEquals(5, VerifyHtml.bucket(1.01));
        assertEquals(5, VerifyHtml.bucket(Double.POSITIVE_INFINITY));
    }
}
