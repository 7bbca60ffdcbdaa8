package dev.requestreply.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs each documented benchmark command once, on the packaged jar, with smoke settings (a second or
 * less of measuring each): the commands of docs/benchmarks.md keep working, and each prints its
 * result table. Run by failsafe after {@code package}, so {@code mvn verify} builds and runs the
 * benchmarks; the figures of a smoke run mean nothing.
 */
class BenchmarkCommandsIT {

	private static final long LIMIT_SECONDS = 180;

	private static Path jar;

	private static Path output;

	@BeforeAll
	static void findJar() throws IOException {
		Path target = Path.of(System.getProperty("bench.target", "target"));
		jar = target.resolve("benchmarks.jar");
		assertThat(jar).as("the packaged benchmarks jar").exists();
		output = Files.createDirectories(target.resolve("benchmark-smoke"));
	}

	@Test
	void whenEndToEndBenchmarkRunsThenItPrintsLatencyAndThroughputOfEveryImplementation() throws Exception {
		String out = run("end-to-end", List.of("-Dbench.impls=raw,raw-headers,spring,ours,ours-queue",
				"-Dbench.warmup.rounds=0", "-Dbench.rounds=1", "-Dbench.latency.seconds=0.5",
				"-Dbench.throughput.seconds=0.5", "-Dbench.inflight=64", "-Dbench.charts.dir=" + output),
				"-cp", jar.toString(), "dev.requestreply.bench.EndToEndBenchmark");
		assertThat(out).contains("| implementation | p50 |", "| ours |", "| ours-queue |", "| spring |",
				"| implementation | 64 in flight | / raw |");
		assertThat(output.resolve("end-to-end-latency.svg")).exists();
	}

	@Test
	void whenFairEndToEndBenchmarkRunsThenEachImplementationHasItsTurnAndCpuPerRoundTrip() throws Exception {
		// ours@before runs on a class path of its own, as another build's jar would be given.
		String out = run("fair-end-to-end", List.of("-Dbench.impls=raw,ours@before",
				"-Dbench.classpath.before=" + jar, "-Dbench.rounds=1", "-Dbench.broker.warmup.seconds=0.3",
				"-Dbench.warmup.seconds=0.3",
				"-Dbench.latency.seconds=0.3", "-Dbench.throughput.seconds=0.5", "-Dbench.inflight=64",
				"-Dbench.charts.dir=" + output, "-Dbench.logs.dir=" + output.resolve("fair-logs")), "-cp",
				jar.toString(), "dev.requestreply.bench.FairEndToEndBenchmark");
		assertThat(out).contains("| | raw | ours@before |", "| CPU per round trip, 64 in flight |",
				"| implementation | p50 |", "| implementation | 64 in flight | / raw |");
		assertThat(output.resolve("fair-logs").resolve("ours-before-1.log")).exists();
		assertThat(out).contains("Broker warmed up by raw");
	}

	@Test
	void whenRegistryBenchmarksRunThenTheyPrintTheRatioTable() throws Exception {
		String out = run("registry", List.of("-Dbench.threads=1", "-Dbench.background=0", "-Dbench.jmh.forks=0",
				"-Dbench.jmh.warmups=0", "-Dbench.jmh.iterations=1", "-Dbench.jmh.iteration-ms=200"), "-cp",
				jar.toString(), "dev.requestreply.bench.RegistryBenchmarks");
		assertThat(out).contains("| operation | background pending | threads |", "| RegisterComplete | 0 | 1 |",
				"| RegisterTimeout | 0 | 1 |");
	}

	@Test
	void whenOneJmhBenchmarkRunsThroughTheJarThenItReportsAScore() throws Exception {
		String out = run("jmh", List.of(), "-jar", jar.toString(), "RegistryBenchmark.wheelRegisterComplete", "-p",
				"pending=0", "-wi", "0", "-i", "1", "-r", "200ms", "-f", "0");
		assertThat(out).contains("RegistryBenchmark.wheelRegisterComplete");
	}

	@Test
	void whenRegistryFootprintRunsThenItPrintsHeapAndTimeoutLateness() throws Exception {
		String out = run("footprint", List.of("-Xmx512m", "-Dbench.pending=2000", "-Dbench.footprint.repeats=1",
				"-Dbench.timeouts.min=200", "-Dbench.timeouts.spread=200", "-Dbench.timeouts.warmups=1"), "-cp",
				jar.toString(), "dev.requestreply.requester.RegistryFootprint");
		assertThat(out).contains("2,000 pending requests", "| heap per pending request |",
				"| timeouts, 2,000 pending | registry | p50 late ms |");
	}

	@Test
	void whenResponderLookupCostRunsThenItPrintsTheCostTable() throws Exception {
		String out = run("lookup", List.of("-Dbench.groups=20", "-Dbench.groups.live=4", "-Dbench.lookups=3"), "-cp",
				jar.toString(), "dev.requestreply.requester.ResponderLookupCost");
		assertThat(out).contains("| lookup | lookups | groups described (mean) |");
	}

	private static String run(String name, List<String> options, String... command) throws Exception {
		List<String> line = new ArrayList<>();
		line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		line.addAll(options);
		line.addAll(List.of(command));
		Path log = output.resolve(name + ".log");
		Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError(name + " did not end within " + LIMIT_SECONDS + " s; output in " + log);
		}
		String out = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as("exit code of %s; output in %s:%n%s", line, log, tail(out)).isZero();
		return out;
	}

	private static String tail(String out) {
		return out.substring(Math.max(0, out.length() - 4000));
	}

}
