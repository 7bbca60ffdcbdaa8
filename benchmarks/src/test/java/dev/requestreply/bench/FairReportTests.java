package dev.requestreply.bench;

import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link FairReport} and {@link TurnResult} on made-up figures: what a turn's JVM prints is read
 * back whole, and every ratio is to the reference of the same round.
 */
class FairReportTests {

	private static final int[] IN_FLIGHTS = { 64, 512 };

	@Test
	void whenATurnsResultIsPrintedThenTheParentReadsItBack() {
		TurnResult printed = result(812_000, 20_000, 40_000, 2_500);
		List<String> output = new java.util.ArrayList<>(List.of("12:00:00 INFO a log line of the turn"));
		output.addAll(printed.lines());
		TurnResult read = TurnResult.parse(output);
		assertThat(read.latency()).isEqualTo(printed.latency());
		assertThat(read.latencyWindow()).isEqualTo(printed.latencyWindow());
		assertThat(read.throughputs()).isEqualTo(printed.throughputs());
	}

	@Test
	void whenRoundsDifferThenEachRatioIsTheMedianOfTheRatiosToTheReferenceOfTheSameRound() {
		FairReport report = new FairReport(List.of("raw", "ours"), IN_FLIGHTS);
		double[] raw = { 100, 300, 200 };
		double[] ours = { 95, 150, 190 };
		for (int round = 0; round < 3; round++) {
			report.add("raw", result(500_000, raw[round], raw[round], 10));
			report.add("ours", result(600_000, ours[round], ours[round], 20));
		}
		// Per round 0.95, 0.50, 0.95: the median 0.95; the ratio of the medians would be 0.75.
		assertThat(report.ratio("ours", (result) -> result.throughputs().get(64).perSecond())).isCloseTo(0.95,
				within(1e-9));
		assertThat(report.throughputs().get("ours").get(512)).containsExactly(95.0, 150.0, 190.0);
	}

	@Test
	void whenReportedThenTheSummaryHasAColumnPerImplementationAndTheTablesEveryRound() {
		FairReport report = new FairReport(List.of("raw", "ours"), IN_FLIGHTS);
		report.add("raw", result(500_000, 40_000, 100_000, 10));
		report.add("ours", result(550_000, 30_000, 50_000, 25));
		report.add("raw", result(520_000, 42_000, 120_000, 10));
		report.add("ours", result(580_000, 31_500, 60_000, 25));
		String text = report.text();
		assertThat(text).contains("| | raw | ours |", "| p50 at 1 in flight | 520 us | 1.12x |",
				"| 512 in flight | 120,000/s | 0.50x |", "| CPU per round trip, 64 in flight | 10.0 us | 2.50x |",
				"| implementation | 64 in flight | / raw | 512 in flight | / raw |",
				"| ours | 31,500 (30,000, 31,500) | 0.75x | 60,000 (50,000, 60,000) | 0.50x |");
	}

	/**
	 * A turn whose every latency is {@code latencyNanos}, with the given throughput at 64 and 512 in
	 * flight over one second and {@code cpuMicros} of CPU per round trip.
	 */
	private static TurnResult result(long latencyNanos, double at64, double at512, long cpuMicros) {
		Histogram latency = new Histogram(3);
		latency.recordValueWithCount(latencyNanos, 1000);
		return new TurnResult(latency, new Load.Window(1000, 1.0, 1000 * cpuMicros * 1000),
				Map.of(64, window(at64, cpuMicros), 512, window(at512, cpuMicros)));
	}

	private static Load.Window window(double perSecond, long cpuMicros) {
		return new Load.Window((long) perSecond, 1.0, (long) perSecond * cpuMicros * 1000);
	}

}
