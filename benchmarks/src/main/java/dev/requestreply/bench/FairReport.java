package dev.requestreply.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.HdrHistogram.Histogram;

/**
 * The tables of a {@link FairEndToEndBenchmark} run, from each implementation's result of each
 * round. Every ratio is to the reference (the first implementation, {@code raw} by default)
 * measured in the same round, the median of the rounds' ratios; every figure is the median of the
 * rounds, the rounds' own values beside it.
 */
final class FairReport {

	private final List<String> names;

	private final int[] inFlights;

	private final Map<String, List<TurnResult>> rounds = new LinkedHashMap<>();

	/**
	 * @param names the implementations, the reference first
	 * @param inFlights the in-flight counts of the throughput runs
	 */
	FairReport(List<String> names, int[] inFlights) {
		this.names = names;
		this.inFlights = inFlights;
		names.forEach((name) -> this.rounds.put(name, new ArrayList<>()));
	}

	/**
	 * Add an implementation's result of the next round.
	 */
	void add(String name, TurnResult result) {
		this.rounds.get(name).add(result);
	}

	/**
	 * Each implementation's latency at 1 request in flight, all rounds merged (nanoseconds).
	 */
	Map<String, Histogram> mergedLatencies() {
		Map<String, Histogram> merged = new LinkedHashMap<>();
		this.rounds.forEach((name, results) -> {
			Histogram histogram = new Histogram(3);
			results.forEach((result) -> histogram.add(result.latency()));
			merged.put(name, histogram);
		});
		return merged;
	}

	/**
	 * Each implementation's round trips per second, per in-flight count, one value per round.
	 */
	Map<String, Map<Integer, List<Double>>> throughputs() {
		Map<String, Map<Integer, List<Double>>> all = new LinkedHashMap<>();
		for (String name : this.names) {
			Map<Integer, List<Double>> byInFlight = new LinkedHashMap<>();
			for (int inFlight : this.inFlights) {
				byInFlight.put(inFlight, values(name, (result) -> result.throughputs().get(inFlight).perSecond()));
			}
			all.put(name, byInFlight);
		}
		return all;
	}

	/**
	 * The summary (one column per implementation, as docs/benchmarks.md shows it), then latency,
	 * throughput and CPU per round trip with the values of every round.
	 */
	String text() {
		StringBuilder out = new StringBuilder();
		String reference = this.names.get(0);
		out.append("\nSummary (median of rounds; ratios to ").append(reference).append(" of the same round)\n\n");
		out.append("|");
		this.names.forEach((name) -> out.append(" | ").append(name));
		out.append(" |\n| ---");
		this.names.forEach((name) -> out.append(" | ---:"));
		out.append(" |\n");
		summaryRow(out, "p50 at 1 in flight", " us", (result) -> p50(result));
		summaryRow(out, "p99 at 1 in flight", " us", (result) -> p99(result));
		for (int inFlight : this.inFlights) {
			summaryRow(out, inFlight + " in flight", "/s", (result) -> result.throughputs().get(inFlight).perSecond());
		}
		for (int inFlight : this.inFlights) {
			summaryRow(out, "CPU per round trip, " + inFlight + " in flight", " us",
					(result) -> result.throughputs().get(inFlight).cpuMicrosPerRoundTrip());
		}

		out.append("\nLatency, 1 request in flight (microseconds; p50 to p99.9 of all rounds merged)\n\n");
		out.append("| implementation | p50 | p99 | p99.9 | requests | p50 / ").append(reference).append(" | p99 / ")
			.append(reference).append(" | p50 per round | p99 per round |\n");
		out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		mergedLatencies().forEach((name, h) -> out.append(String.format(Locale.ROOT,
				"| %s | %,.0f | %,.0f | %,.0f | %,d | %.2fx | %.2fx | %s | %s |%n", name, h.getValueAtPercentile(50) / 1e3,
				h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount(),
				ratio(name, FairReport::p50), ratio(name, FairReport::p99), join(values(name, FairReport::p50)),
				join(values(name, FairReport::p99)))));

		out.append("\nThroughput (round trips per second, median of rounds; per-round values in brackets)\n\n");
		List<String> labels = new ArrayList<>();
		List<ToDoubleFunction<TurnResult>> metrics = new ArrayList<>();
		for (int inFlight : this.inFlights) {
			labels.add(inFlight + " in flight");
			metrics.add((result) -> result.throughputs().get(inFlight).perSecond());
		}
		table(out, labels, metrics);

		out.append("\nCPU time of the clients' JVM per round trip (microseconds, median of rounds; per-round values"
				+ " in brackets)\n\n");
		labels.clear();
		metrics.clear();
		labels.add("1 in flight");
		metrics.add((result) -> result.latencyWindow().cpuMicrosPerRoundTrip());
		for (int inFlight : this.inFlights) {
			labels.add(inFlight + " in flight");
			metrics.add((result) -> result.throughputs().get(inFlight).cpuMicrosPerRoundTrip());
		}
		table(out, labels, metrics);
		return out.toString();
	}

	private void summaryRow(StringBuilder out, String label, String unit, ToDoubleFunction<TurnResult> metric) {
		out.append("| ").append(label);
		for (int i = 0; i < this.names.size(); i++) {
			String name = this.names.get(i);
			out.append(" | ").append((i == 0) ? format(median(values(name, metric))) + unit
					: String.format(Locale.ROOT, "%.2fx", ratio(name, metric)));
		}
		out.append(" |\n");
	}

	/**
	 * One row per implementation, two columns per metric: its median (the rounds' values in
	 * brackets) and the ratio to the reference.
	 */
	private void table(StringBuilder out, List<String> labels, List<ToDoubleFunction<TurnResult>> metrics) {
		String reference = this.names.get(0);
		out.append("| implementation |");
		labels.forEach((label) -> out.append(" ").append(label).append(" | / ").append(reference).append(" |"));
		out.append("\n| --- |").append(" ---: | ---: |".repeat(labels.size())).append('\n');
		for (String name : this.names) {
			out.append("| ").append(name).append(" |");
			metrics.forEach((metric) -> cell(out, name, metric));
			out.append('\n');
		}
	}

	private void cell(StringBuilder out, String name, ToDoubleFunction<TurnResult> metric) {
		List<Double> values = values(name, metric);
		out.append(String.format(Locale.ROOT, " %s (%s) | %.2fx |", format(median(values)), join(values),
				ratio(name, metric)));
	}

	/**
	 * The median over the rounds of the implementation's value divided by the reference's of the same round.
	 */
	double ratio(String name, ToDoubleFunction<TurnResult> metric) {
		List<Double> own = values(name, metric);
		List<Double> reference = values(this.names.get(0), metric);
		List<Double> ratios = new ArrayList<>();
		for (int round = 0; round < Math.min(own.size(), reference.size()); round++) {
			ratios.add(own.get(round) / reference.get(round));
		}
		return median(ratios);
	}

	private List<Double> values(String name, ToDoubleFunction<TurnResult> metric) {
		return this.rounds.get(name).stream().map(metric::applyAsDouble).toList();
	}

	static double p50(TurnResult result) {
		return result.latency().getValueAtPercentile(50) / 1e3;
	}

	static double p99(TurnResult result) {
		return result.latency().getValueAtPercentile(99) / 1e3;
	}

	private static double median(List<Double> values) {
		return values.isEmpty() ? Double.NaN : EndToEndBenchmark.median(values);
	}

	private static String join(List<Double> values) {
		List<String> texts = values.stream().map(FairReport::format).toList();
		return String.join(", ", texts);
	}

	private static String format(double value) {
		return (value >= 100) ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
	}

}
