package dev.requestreply.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.requestreply.requester.RegistryBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RegistryBenchmark} at 1, 2 and 8 threads, our registry and the baseline one after
 * the other for each case, and prints a table of their throughputs and ratios.
 * <p>
 * System properties: {@code bench.threads} (default {@code 1,2,8}), {@code bench.background}
 * (requests pending in the background of register-and-complete; default {@code 0,10000}), {@code bench.jmh.warmups}
 * and {@code bench.jmh.iterations} (default 3 of 1 s and 4 of 2 s), {@code bench.jmh.iteration-ms}
 * (the time of each warm-up and measurement iteration set by those two; default 1,000 and 2,000),
 * {@code bench.jmh.forks} (default 1; 0 runs in this JVM, for a smoke run).
 */
public final class RegistryBenchmarks {

	private RegistryBenchmarks() {
	}

	public static void main(String[] args) throws Exception {
		int[] threads = Arrays.stream(System.getProperty("bench.threads", "1,2,8").split(","))
			.mapToInt((value) -> Integer.parseInt(value.trim()))
			.toArray();
		List<String> lines = new ArrayList<>();
		List<String> backgrounds = List.of(System.getProperty("bench.background", "0,10000").split(","));
		for (String operation : List.of("RegisterComplete", "RegisterTimeout")) {
			for (String background : operation.equals("RegisterComplete") ? backgrounds : List.of("0")) {
				for (int count : threads) {
					double wheel = run("wheel" + operation, count, background.trim());
					double baseline = run("baseline" + operation, count, background.trim());
					lines.add(String.format("| %s | %s | %d | %,.0f | %,.0f | %.2fx |", operation, background.trim(),
							count, wheel * 1e6, baseline * 1e6, wheel / baseline));
				}
			}
		}
		System.out.println();
		System.out.println("| operation | background pending | threads | CorrelationRegistry ops/s | baseline ops/s | ratio |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
		lines.forEach(System.out::println);
	}

	private static double run(String method, int threads, String background) throws Exception {
		ChainedOptionsBuilder options = new OptionsBuilder()
			.include(RegistryBenchmark.class.getName() + "\\." + method + "$")
			.param("pending", background)
			.threads(threads)
			.forks(Integer.getInteger("bench.jmh.forks", 1));
		Long iterationMs = Long.getLong("bench.jmh.iteration-ms");
		Integer warmups = Integer.getInteger("bench.jmh.warmups");
		if (warmups != null) {
			options.warmupIterations(warmups)
				.warmupTime(TimeValue.milliseconds((iterationMs != null) ? iterationMs : 1_000));
		}
		Integer iterations = Integer.getInteger("bench.jmh.iterations");
		if (iterations != null) {
			options.measurementIterations(iterations)
				.measurementTime(TimeValue.milliseconds((iterationMs != null) ? iterationMs : 2_000));
		}
		RunResult result = new Runner(options.build()).runSingle();
		return result.getPrimaryResult().getScore();
	}

}
