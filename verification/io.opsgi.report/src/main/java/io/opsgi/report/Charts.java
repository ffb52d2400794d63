package io.opsgi.report;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Bar charts drawn by XChart, as PNG data URIs an HTML page embeds (one self-contained file). */
final class Charts {
    private Charts() {
    }

    /**
     * Grouped bars: one group per category, one bar per series.
     *
     * @param series series name to one value per category (same order)
     */
    static String bars(String title, String xTitle, String yTitle, List<String> categories, Map<String, List<? extends Number>> series, int width,
            int height) {
        // Java2D must not look for a display: reports are written on servers and in CI.
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(categories.size() > 6 ? 30 : 0);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        try {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new IllegalStateException("chart '" + title + "': cannot encode PNG: " + e.getMessage(), e);
        }
    }
}
