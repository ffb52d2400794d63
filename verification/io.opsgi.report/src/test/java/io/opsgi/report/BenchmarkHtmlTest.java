package io.opsgi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opsgi.report.BenchmarkHtml.Timing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark page: ratios against the best peer at the same thread count, and a chart per workload. */
class BenchmarkHtmlTest {
    private final List<Timing> rows = List.of(
            new Timing("conv_3x3", "gemm", false, 1, 4.0),
            new Timing("conv_3x3", "direct", false, 1, 40.0),
            new Timing("conv_3x3", "PyTorch", true, 1, 2.0),
            new Timing("conv_3x3", "ORT", true, 1, 3.0),
            new Timing("conv_3x3", "gemm", false, 2, 2.5),
            new Timing("relu", "vector", false, 1, 0.08));

    @Test
    void ratioIsTheBestPeerOverTheVariant() {
        List<Timing> conv = rows.subList(0, 5);
        assertEquals(0.5, BenchmarkHtml.ratio(conv, rows.get(0)), 1e-12);
        assertEquals(0.05, BenchmarkHtml.ratio(conv, rows.get(1)), 1e-12);
        assertTrue(Double.isNaN(BenchmarkHtml.ratio(conv, rows.get(4))), "no peer ran with 2 threads");
    }

    @Test
    void aTableAndAChartPerWorkload() {
        String html = BenchmarkHtml.of("bench", List.of("JDK 17"), rows);
        assertEquals(2, html.split("data:image/png;base64,", -1).length - 1);
        assertTrue(html.contains("<td class=n>4.000</td><td class=n>0.50</td>"), html);
        assertTrue(html.contains("<i>PyTorch</i>"), html);
    }
}
