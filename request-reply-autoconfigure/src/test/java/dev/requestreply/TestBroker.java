package dev.requestreply;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One embedded KRaft broker for the whole test run, started on first use; tests keep apart by
 * using topics of their own.
 */
public final class TestBroker {

	private static final String REPLIES = "-replies";

	private static final AtomicInteger counter = new AtomicInteger();

	private static EmbeddedKafkaKraftBroker broker;

	private TestBroker() {
	}

	public static synchronized EmbeddedKafkaKraftBroker get() {
		if (broker == null) {
			EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 1);
			started.brokerProperty("group.initial.rebalance.delay.ms", "0");
			started.brokerListProperty("test.kafka.brokers");
			started.afterPropertiesSet();
			Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
			broker = started;
		}
		return broker;
	}

	public static String bootstrapServers() {
		return get().getBrokersAsString();
	}

	/**
	 * Return a topic name not used before in this run. A name ending in {@code -replies} keeps that
	 * ending, so that it stays a reply topic handlers may answer to by default.
	 */
	public static String uniqueTopic(String prefix) {
		String unique = "-" + counter.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
		return prefix.endsWith(REPLIES) ? prefix.substring(0, prefix.length() - REPLIES.length()) + unique + REPLIES
				: prefix + unique;
	}

	/**
	 * Create a topic with the given number of partitions and return its name.
	 */
	public static String createTopic(String prefix, int partitions) {
		String name = uniqueTopic(prefix);
		get().addTopics(new NewTopic(name, partitions, (short) 1));
		return name;
	}

}
