package dev.requestreply.bench;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The one KRaft broker of the end-to-end benchmarks, as both modes start it: in the benchmark's JVM
 * ({@link EndToEndBenchmark}) or, by {@link #main}, in a JVM of its own ({@link FairEndToEndBenchmark}).
 */
final class BenchmarkBroker {

	/**
	 * What the broker's JVM prints, followed by its bootstrap servers, once it accepts clients.
	 */
	static final String READY = "bench-broker bootstrap.servers=";

	private BenchmarkBroker() {
	}

	/**
	 * A broker of one node with the settings every implementation needs, not started yet.
	 */
	static EmbeddedKafkaKraftBroker configured() {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		// For ours-tx: a transaction log one broker can hold.
		broker.brokerProperty("transaction.state.log.replication.factor", "1");
		broker.brokerProperty("transaction.state.log.min.isr", "1");
		broker.brokerProperty("transaction.state.log.num.partitions", "1");
		// For ours-queue: share group state one broker can hold.
		broker.brokerProperty("share.coordinator.state.topic.replication.factor", "1");
		broker.brokerProperty("share.coordinator.state.topic.min.isr", "1");
		broker.brokerListProperty("bench.kafka.brokers");
		return broker;
	}

	/**
	 * Start the broker, print {@value #READY} and its bootstrap servers, and run until standard
	 * input ends (the parent closes it, or dies): then stop the broker and exit.
	 */
	public static void main(String[] args) throws IOException {
		EmbeddedKafkaKraftBroker broker = configured();
		broker.afterPropertiesSet();
		try {
			System.out.println(READY + broker.getBrokersAsString());
			System.out.flush();
			InputStream in = System.in;
			while (in.read() >= 0) {
				// nothing to read: only the end of the stream counts
			}
		}
		finally {
			broker.destroy();
		}
		System.exit(0);
	}

}
