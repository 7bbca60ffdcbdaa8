package dev.requestreply.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BenchmarkCharts} on made-up figures: well-formed SVG with one bar per implementation and
 * category, each titled with its figure.
 */
class BenchmarkChartsTests {

	@TempDir
	Path directory;

	@Test
	void whenLatencyDrawnThenOneBarPerImplementationAndPercentile() throws Exception {
		Map<String, double[]> figures = new LinkedHashMap<>();
		figures.put("raw", new double[] { 1200, 2500, 4100 });
		figures.put("spring", new double[] { 6800, 9100, 15000 });
		figures.put("ours", new double[] { 1500, 3100, 5200 });
		Document svg = parse(new BenchmarkCharts(this.directory).writeLatency(figures));
		assertThat(titles(svg)).hasSize(9).contains("spring p99: 9,100", "ours p99.9: 5,200");
	}

	@Test
	void whenThroughputDrawnThenOneBarPerImplementationAndInFlightCount() throws Exception {
		Map<String, Map<Integer, Double>> figures = new LinkedHashMap<>();
		figures.put("raw", Map.of(64, 21000.0, 512, 48000.0));
		figures.put("ours", Map.of(64, 19000.0, 512, 41000.5));
		Path file = new BenchmarkCharts(this.directory).writeThroughput(figures);
		assertThat(file.getFileName().toString()).isEqualTo(BenchmarkCharts.THROUGHPUT_FILE);
		assertThat(titles(parse(file))).containsExactly("raw 64 in flight: 21,000", "ours 64 in flight: 19,000",
				"raw 512 in flight: 48,000", "ours 512 in flight: 41,001");
	}

	@Test
	void whenFanOutDrawnThenItsOwnFile() throws Exception {
		Path file = new BenchmarkCharts(this.directory).writeFanOut(Map.of("ours", Map.of(1, 900.0, 3, 2500.0)));
		assertThat(file).hasFileName(BenchmarkCharts.FAN_OUT_FILE);
		assertThat(titles(parse(file))).containsExactly("ours 1 instances: 900", "ours 3 instances: 2,500");
	}

	private static Document parse(Path file) throws Exception {
		assertThat(Files.readString(file)).startsWith("<svg ");
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
	}

	private static java.util.List<String> titles(Document svg) {
		NodeList titles = svg.getElementsByTagName("title");
		java.util.List<String> texts = new java.util.ArrayList<>();
		for (int i = 0; i < titles.getLength(); i++) {
			texts.add(titles.item(i).getTextContent());
		}
		return texts;
	}

}
