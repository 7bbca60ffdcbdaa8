package dev.requestreply.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the figures of a benchmark run as SVG bar charts, so that a rerun redraws the charts that
 * docs/benchmarks.md shows beside its tables. Plain SVG text: no drawing library, and a chart
 * file changes only where a figure does.
 * <p>
 * Files are written to {@code bench.charts.dir} (default {@code docs/charts}, relative to the
 * working directory: run from the repository's root).
 */
final class BenchmarkCharts {

	static final String LATENCY_FILE = "end-to-end-latency.svg";

	static final String THROUGHPUT_FILE = "end-to-end-throughput.svg";

	static final String FAN_OUT_FILE = "fan-out.svg";

	private static final String[] COLOURS = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
			"#b07aa1" };

	private static final int WIDTH = 760;

	private static final int HEIGHT = 380;

	private static final int LEFT = 80;

	private static final int RIGHT = 20;

	private static final int TOP = 50;

	private static final int BOTTOM = 80;

	private final Path directory;

	BenchmarkCharts(Path directory) {
		this.directory = directory;
	}

	static BenchmarkCharts fromSystemProperty() {
		return new BenchmarkCharts(Path.of(System.getProperty("bench.charts.dir", "docs/charts")));
	}

	/**
	 * Latency percentiles of each implementation, one request in flight.
	 * @param percentilesMicros per implementation, its p50, p99 and p99.9 in microseconds
	 */
	Path writeLatency(Map<String, double[]> percentilesMicros) {
		return write(LATENCY_FILE, barChart("Round-trip latency, 1 request in flight (lower is better)",
				"microseconds", List.of("p50", "p99", "p99.9"), percentilesMicros));
	}

	/**
	 * Throughput of each implementation at each number of requests in flight.
	 * @param roundTripsPerSecond per implementation, per requests in flight, round trips per second
	 */
	Path writeThroughput(Map<String, Map<Integer, Double>> roundTripsPerSecond) {
		return write(THROUGHPUT_FILE, barChart("Throughput (higher is better)", "round trips per second",
				roundTripsPerSecond, " in flight"));
	}

	/**
	 * Hook for the fan-out benchmark, which does not exist yet: the throughput of each
	 * implementation at each number of responder instances.
	 * @param roundTripsPerSecond per implementation, per instance count, round trips per second
	 */
	Path writeFanOut(Map<String, Map<Integer, Double>> roundTripsPerSecond) {
		return write(FAN_OUT_FILE, barChart("Fan-out throughput by responder instances (higher is better)",
				"round trips per second", roundTripsPerSecond, " instances"));
	}

	private static String barChart(String title, String unit, Map<String, Map<Integer, Double>> byCount,
			String countSuffix) {
		List<Integer> counts = byCount.values().stream().flatMap((values) -> values.keySet().stream()).distinct()
			.sorted().toList();
		Map<String, double[]> series = new LinkedHashMap<>();
		byCount.forEach((name, values) -> series.put(name,
				counts.stream().mapToDouble((count) -> values.getOrDefault(count, 0.0)).toArray()));
		return barChart(title, unit, counts.stream().map((count) -> count + countSuffix).toList(), series);
	}

	/**
	 * Grouped bars: one group per category, one bar per series in each, a legend, and a y axis
	 * from zero with round ticks.
	 */
	static String barChart(String title, String unit, List<String> categories, Map<String, double[]> series) {
		double max = series.values().stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1);
		double tick = niceTick(max / 5);
		double top = Math.max(tick, Math.ceil(max / tick) * tick);
		int plotWidth = WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
				+ " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
		svg.append(text(WIDTH / 2.0, 24, "middle", 15, title));
		for (double value = 0; value <= top + tick / 2; value += tick) {
			double y = TOP + plotHeight - value / top * plotHeight;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, WIDTH - RIGHT, y));
			svg.append(text(LEFT - 6, y + 4, "end", 11, format(value)));
		}
		svg.append(text(16, TOP + plotHeight / 2.0, "middle", 12, unit)
			.replace("<text ", String.format(Locale.ROOT, "<text transform=\"rotate(-90 16 %.1f)\" ",
					TOP + plotHeight / 2.0)));
		double groupWidth = (double) plotWidth / categories.size();
		double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
		List<String> names = new ArrayList<>(series.keySet());
		for (int c = 0; c < categories.size(); c++) {
			double groupX = LEFT + c * groupWidth + groupWidth * 0.1;
			for (int s = 0; s < names.size(); s++) {
				double value = series.get(names.get(s))[c];
				double height = value / top * plotHeight;
				double x = groupX + s * barWidth;
				svg.append(String.format(Locale.ROOT,
						"<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
								+ "<title>%s %s: %s</title></rect>%n",
						x, TOP + plotHeight - height, barWidth * 0.92, height, COLOURS[s % COLOURS.length],
						escape(names.get(s)), escape(categories.get(c)), format(value)));
				svg.append(text(x + barWidth * 0.46, TOP + plotHeight - height - 3, "middle", 9, format(value)));
			}
			svg.append(text(groupX + groupWidth * 0.4, TOP + plotHeight + 16, "middle", 12, categories.get(c)));
		}
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT,
				TOP + plotHeight, WIDTH - RIGHT, TOP + plotHeight));
		double legendX = LEFT;
		for (int s = 0; s < names.size(); s++) {
			svg.append(String.format(Locale.ROOT,
					"<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", legendX, HEIGHT - 30,
					COLOURS[s % COLOURS.length]));
			svg.append(text(legendX + 16, HEIGHT - 20, "start", 12, names.get(s)));
			legendX += 30 + 8 * names.get(s).length();
		}
		return svg.append("</svg>\n").toString();
	}

	private static String text(double x, double y, String anchor, int size, String content) {
		return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
				x, y, anchor, size, escape(content));
	}

	private static double niceTick(double raw) {
		double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * magnitude >= raw) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	private static String format(double value) {
		return (value >= 100 || value == Math.rint(value)) ? String.format(Locale.ROOT, "%,.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private Path write(String name, String svg) {
		try {
			Files.createDirectories(this.directory);
			Path file = this.directory.resolve(name);
			Files.writeString(file, svg, StandardCharsets.UTF_8);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write chart " + name + " to " + this.directory, ex);
		}
	}

}
