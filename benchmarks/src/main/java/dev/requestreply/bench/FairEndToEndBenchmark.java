package dev.requestreply.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link EndToEndBenchmark} made fair: the broker runs in a JVM of its own, and each implementation's
 * clients (its requester and its responder) in a JVM of their own, started for its turn and stopped
 * after it, so that no other implementation's idle clients share the cores. Each turn warms up
 * alike (its JVM is new), then measures latency at 1 request in flight, throughput at each in-flight
 * count, and the CPU time of its JVM per round trip. Every round runs each implementation once, the
 * order rotated from round to round; every ratio is to the reference (the first implementation)
 * of the same round.
 * <p>
 * System properties, besides those of {@link EndToEndBenchmark} that the clients read
 * ({@code bench.payload.bytes}, {@code bench.handler.sleep-ms}, {@code bench.responders},
 * {@code bench.ours-<label>.properties}, {@code bench.client.metrics}, {@code bench.charts.dir}):
 * {@code bench.impls} (default {@code raw,raw-headers,spring,ours,ours-queue}), {@code bench.rounds}
 * (3), {@code bench.warmup.seconds} (per turn, 10), {@code bench.latency.seconds} (8),
 * {@code bench.throughput.seconds} (5), {@code bench.inflight} ({@code 64,512}); {@code bench.quick}
 * (shorter turns, for before/after pairs: 5, 2 and 2 s unless set); {@code bench.broker.warmup.seconds}
 * (an unmeasured turn of the first implementation before the first round, 20 s, quick 10 s, 0 for none); {@code bench.jvm.args} (options
 * of the broker's and the clients' JVMs, separated by spaces); {@code bench.classpath.<label>} (the
 * class path an implementation named {@code <impl>@<label>} runs on, e.g. another build's
 * benchmarks jar); {@code bench.logs.dir} (the output of every child JVM; a new temporary directory
 * by default).
 */
public final class FairEndToEndBenchmark {

	private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

	private static final long SPARE_SECONDS = 180;

	private FairEndToEndBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		boolean quick = Boolean.getBoolean("bench.quick");
		List<String> names = EndToEndBenchmark.list("bench.impls", "raw,raw-headers,spring,ours,ours-queue");
		int rounds = Integer.getInteger("bench.rounds", 3);
		double warmupSeconds = EndToEndBenchmark.dbl("bench.warmup.seconds", quick ? 5 : 10);
		double latencySeconds = EndToEndBenchmark.dbl("bench.latency.seconds", quick ? 2 : 8);
		double throughputSeconds = EndToEndBenchmark.dbl("bench.throughput.seconds", quick ? 2 : 5);
		double brokerWarmupSeconds = EndToEndBenchmark.dbl("bench.broker.warmup.seconds", quick ? 10 : 20);
		String inFlight = System.getProperty("bench.inflight", "64,512");
		int[] inFlights = Arrays.stream(inFlight.split(","))
			.map(String::trim)
			.mapToInt(Integer::parseInt)
			.toArray();
		Path logs = logsDirectory();
		List<String> turnSettings = List.of("-Dbench.warmup.seconds=" + warmupSeconds,
				"-Dbench.latency.seconds=" + latencySeconds, "-Dbench.throughput.seconds=" + throughputSeconds,
				"-Dbench.inflight=" + inFlight);
		long turnLimit = (long) (warmupSeconds + latencySeconds + throughputSeconds * inFlights.length) + SPARE_SECONDS;

		long startedAt = System.nanoTime();
		System.out.printf("Fair end-to-end benchmark: %s, %d rounds%s; JVM %s, %d CPUs; output of each JVM in %s%n",
				names, rounds, quick ? " (quick)" : "", System.getProperty("java.version"),
				Runtime.getRuntime().availableProcessors(), logs);
		FairReport report = new FairReport(names, inFlights);
		try (BrokerProcess broker = BrokerProcess.start(logs.resolve("broker.log"))) {
			System.out.printf("Broker %s started in its own JVM in %.1f s%n", broker.servers(),
					(System.nanoTime() - startedAt) / 1e9);
			if (brokerWarmupSeconds > 0) {
				warmUpBroker(names.get(0), broker.servers(), brokerWarmupSeconds, inFlight, logs);
			}
			List<String> order = new ArrayList<>(names);
			for (int round = 1; round <= rounds; round++) {
				for (String name : order) {
					long turnStart = System.nanoTime();
					String prefix = name.replace('@', '-') + "-" + round;
					List<String> command = turnCommand(name, prefix, broker.servers(), turnSettings);
					TurnResult result = run(command, logs.resolve(prefix + ".log"), turnLimit);
					report.add(name, result);
					System.out.printf(java.util.Locale.ROOT, "Round %d %s: p50 %.0f us, p99 %.0f us%s (turn %.0f s)%n",
							round, name, FairReport.p50(result), FairReport.p99(result), describe(result),
							(System.nanoTime() - turnStart) / 1e9);
				}
				order.add(order.remove(0));
			}
		}
		System.out.print(report.text());
		EndToEndBenchmark.drawCharts(report.mergedLatencies(), report.throughputs());
		System.out.printf("%nTotal %.0f s%n", (System.nanoTime() - startedAt) / 1e9);
	}

	/**
	 * An unmeasured turn of the reference before the first round, for the broker's JIT: else the
	 * first turn of the first round alone would meet a cold broker.
	 */
	private static void warmUpBroker(String name, String servers, double seconds, String inFlight, Path logs)
			throws Exception {
		String prefix = "broker-warmup";
		run(turnCommand(name, prefix, servers, List.of("-Dbench.warmup.seconds=" + seconds, "-Dbench.latency.seconds=0",
				"-Dbench.throughput.seconds=0", "-Dbench.inflight=" + inFlight)), logs.resolve(prefix + ".log"),
				(long) seconds + SPARE_SECONDS);
		System.out.printf("Broker warmed up by %s for %.1f s%n", name, seconds);
	}

	private static String describe(TurnResult result) {
		StringBuilder text = new StringBuilder();
		result.throughputs()
			.forEach((inFlight, window) -> text.append(String.format(java.util.Locale.ROOT,
					", %d in flight %,.0f/s (CPU %.1f us per round trip)", inFlight, window.perSecond(),
					window.cpuMicrosPerRoundTrip())));
		return text.toString();
	}

	/**
	 * The command of one turn: the implementation's class path (the own one, or
	 * {@code bench.classpath.<label>} for {@code <impl>@<label>}), the {@code bench.*} settings of
	 * this JVM, the turn's own.
	 */
	static List<String> turnCommand(String name, String prefix, String servers, List<String> turnSettings) {
		int at = name.indexOf('@');
		String impl = (at < 0) ? name : name.substring(0, at);
		String classPath = System.getProperty("java.class.path");
		if (at >= 0) {
			String property = "bench.classpath." + name.substring(at + 1);
			classPath = System.getProperty(property);
			if (classPath == null) {
				throw new IllegalArgumentException("Implementation " + name + " needs -D" + property + "=<class path>");
			}
		}
		List<String> command = new ArrayList<>(javaCommand(classPath));
		for (Map.Entry<Object, Object> entry : System.getProperties().entrySet()) {
			String key = entry.getKey().toString();
			if (key.startsWith("bench.") && !key.startsWith("bench.classpath.")) {
				command.add("-D" + key + "=" + entry.getValue());
			}
		}
		command.addAll(turnSettings); // after the copies: the last of a property wins
		command.addAll(List.of("-Dbench.servers=" + servers, "-Dbench.turn.impl=" + impl,
				"-Dbench.turn.prefix=" + prefix, ImplementationTurn.class.getName()));
		return command;
	}

	/**
	 * The start of a child JVM's command: this JVM's {@code java}, {@code bench.jvm.args}, the class path.
	 */
	static List<String> javaCommand(String classPath) {
		List<String> command = new ArrayList<>(List.of(JAVA));
		command.addAll(EndToEndBenchmark.list("bench.jvm.args", "", " "));
		command.addAll(List.of("-cp", classPath));
		return command;
	}

	private static TurnResult run(List<String> command, Path log, long limitSeconds) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Turn did not end within " + limitSeconds + " s; output in " + log);
			}
			List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IllegalStateException("Turn failed (exit " + process.exitValue() + "), output in " + log
						+ ":\n" + String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size())));
			}
			return TurnResult.parse(output);
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static Path logsDirectory() throws IOException {
		String configured = System.getProperty("bench.logs.dir");
		return (configured != null) ? Files.createDirectories(Path.of(configured))
				: Files.createTempDirectory("fair-benchmark-");
	}

	/**
	 * The broker's JVM ({@link BenchmarkBroker#main}): started and waited for until it prints its
	 * bootstrap servers, its output copied to a log; closing it closes its standard input, on which
	 * it stops.
	 */
	record BrokerProcess(Process process, String servers) implements AutoCloseable {

		static BrokerProcess start(Path log) throws IOException, InterruptedException {
			List<String> command = new ArrayList<>(javaCommand(System.getProperty("java.class.path")));
			command.add(BenchmarkBroker.class.getName());
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
			Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
			BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String line;
			while ((line = in.readLine()) != null && !line.startsWith(BenchmarkBroker.READY)) {
				out.write(line + "\n");
			}
			if (line == null) {
				out.close();
				process.destroyForcibly();
				throw new IllegalStateException("The broker's JVM ended before it started; output in " + log);
			}
			String servers = line.substring(BenchmarkBroker.READY.length()).trim();
			Thread copy = new Thread(() -> copy(in, out), "broker-output");
			copy.setDaemon(true);
			copy.start();
			return new BrokerProcess(process, servers);
		}

		private static void copy(BufferedReader in, Writer out) {
			try (in; out) {
				String line;
				while ((line = in.readLine()) != null) {
					out.write(line + "\n");
					out.flush();
				}
			}
			catch (IOException ex) {
				// the broker has gone: nothing more to copy
			}
		}

		@Override
		public void close() throws Exception {
			try (OutputStream stdin = this.process.getOutputStream()) {
				// closing it stops the broker
			}
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}

	}

}
