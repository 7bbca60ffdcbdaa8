package dev.requestreply.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One implementation's turn of {@link FairEndToEndBenchmark}, in a JVM of its own: create its topics
 * on the broker, start its clients (requester and responder), warm up, measure latency and
 * throughput with the CPU time of this JVM, print the {@link TurnResult}, and exit.
 * <p>
 * System properties: {@code bench.servers} (the broker), {@code bench.turn.impl} (the
 * implementation, as {@link EndToEndBenchmark#create} names them), {@code bench.turn.prefix} (of its
 * topics and groups, new for each turn), and the durations and in-flight counts of
 * {@link FairEndToEndBenchmark}.
 */
public final class ImplementationTurn {

	private ImplementationTurn() {
	}

	public static void main(String[] args) throws Exception {
		String servers = System.getProperty("bench.servers");
		String name = System.getProperty("bench.turn.impl");
		String prefix = System.getProperty("bench.turn.prefix", name);
		if (servers == null || name == null) {
			throw new IllegalArgumentException("Set bench.servers and bench.turn.impl (FairEndToEndBenchmark does)");
		}
		double warmupSeconds = EndToEndBenchmark.dbl("bench.warmup.seconds", 10);
		double latencySeconds = EndToEndBenchmark.dbl("bench.latency.seconds", 8);
		double throughputSeconds = EndToEndBenchmark.dbl("bench.throughput.seconds", 5);
		int[] inFlights = EndToEndBenchmark.list("bench.inflight", "64,512")
			.stream()
			.mapToInt(Integer::parseInt)
			.toArray();
		createTopics(servers, prefix);
		try (EndToEndBenchmark.RoundTrip roundTrip = EndToEndBenchmark.create(name, prefix, servers,
				EndToEndBenchmark.payload())) {
			roundTrip.call().get(60, TimeUnit.SECONDS); // the first round trip after start
			// The same warm-up as the one-JVM mode's, once: this JVM is new.
			Load.latency(roundTrip, warmupSeconds * 0.4);
			Load.throughput(roundTrip, inFlights[inFlights.length - 1], warmupSeconds * 0.6);

			long cpuBefore = Load.cpuNanos();
			long start = System.nanoTime();
			Histogram latency = Load.latency(roundTrip, latencySeconds);
			Load.Window latencyWindow = new Load.Window(latency.getTotalCount(), (System.nanoTime() - start) / 1e9,
					Load.cpuNanos() - cpuBefore);
			Map<Integer, Load.Window> throughputs = new LinkedHashMap<>();
			for (int inFlight : inFlights) {
				throughputs.put(inFlight, Load.throughput(roundTrip, inFlight, throughputSeconds));
				if (Boolean.getBoolean("bench.client.metrics")) {
					EndToEndBenchmark.printClientMetrics(name + " at " + inFlight + " in flight");
				}
			}
			new TurnResult(latency, latencyWindow, throughputs).lines().forEach(System.out::println);
			System.out.flush();
		}
		System.exit(0); // whatever client thread is left behind
	}

	private static void createTopics(String servers, String prefix) throws InterruptedException {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			admin.createTopics(List.of(new NewTopic(prefix + "-requests", 1, (short) 1),
					new NewTopic(prefix + "-replies", 1, (short) 1)))
				.all()
				.get(60, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw new IllegalStateException("Cannot create the topics of " + prefix, ex.getCause());
			}
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new IllegalStateException("Topics of " + prefix + " not created within 60 s", ex);
		}
	}

}
