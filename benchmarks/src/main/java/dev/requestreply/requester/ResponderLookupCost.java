package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.jspecify.annotations.Nullable;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * What one lookup of {@code request-reply.fail-fast-without-responders} costs the requester and
 * the brokers in a cluster of many consumer groups: time and bytes (sent and received by the admin
 * client) of a lookup that describes every group, as 0.2 did every interval, against the lookups
 * of {@link ResponderDirectory} once it knows the groups (one in five lists every group and
 * describes new or changed ones, those serving a topic asked for, and each other one about every 30
 * intervals; the others describe only those serving a topic asked for).
 * <p>
 * One embedded broker; {@code bench.groups} groups (default 1,000) of which
 * {@code bench.groups.live} (default 100) have a live member assigned a topic of their own, the
 * others only committed offsets (as groups of stopped applications, or between deployments);
 * {@code bench.lookups} (default 60) lookups in steady state, the clock advanced by one interval
 * (2 s) each, one topic asked for.
 * <p>
 * In the engine's package on purpose: it drives the lookup directly, with the clock it is given.
 */
public final class ResponderLookupCost {

	private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);

	private static final long REFRESH_NANOS = ResponderDirectory.FULL_REFRESH_INTERVALS * INTERVAL_NANOS;

	private ResponderLookupCost() {
	}

	public static void main(String[] args) throws Exception {
		int groups = Integer.getInteger("bench.groups", 1_000);
		int live = Integer.getInteger("bench.groups.live", 100);
		int lookups = Integer.getInteger("bench.lookups", 60);
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		broker.afterPropertiesSet();
		List<KafkaConsumer<byte[], byte[]>> members = new ArrayList<>();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.getBrokersAsString()))) {
			long start = System.nanoTime();
			createGroups(admin, broker.getBrokersAsString(), groups, live, members);
			System.out.printf("%n%,d groups (%,d with a live member) created in %d s%n", groups, live,
					TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
			ResponderLookup lookup = new ResponderLookup(admin, Duration.ofSeconds(30), true);
			Set<String> asked = Set.of("bench-topic-0");
			// Warm up the admin client's connections and code.
			for (int i = 0; i < 5; i++) {
				lookup.lookUp(new ResponderGroups(REFRESH_NANOS), asked, ResponderLookup.Mode.EVERY_GROUP, 0);
			}
			Cost every = new Cost();
			for (int i = 0; i < 10; i++) {
				every.add(admin, () -> lookup.lookUp(new ResponderGroups(REFRESH_NANOS), asked, ResponderLookup.Mode.EVERY_GROUP, 0));
			}
			ResponderGroups known = new ResponderGroups(REFRESH_NANOS);
			Cost first = new Cost();
			first.add(admin, () -> lookup.lookUp(known, asked, ResponderLookup.Mode.EVERY_GROUP, 0));
			Cost steady = new Cost();
			for (int i = 1; i <= lookups; i++) {
				long now = i * INTERVAL_NANOS;
				ResponderLookup.Mode mode = (i % ResponderDirectory.LISTING_INTERVALS == 0) ? ResponderLookup.Mode.LISTED
						: ResponderLookup.Mode.ASKED;
				steady.add(admin, () -> lookup.lookUp(known, asked, mode, now));
			}
			System.out.println();
			System.out.println("| lookup | lookups | groups described (mean) | ms (mean) | bytes sent (mean) | bytes received"
					+ " (mean) |");
			System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
			every.print("every group described (0.2)");
			first.print("first lookup (every group)");
			steady.print("steady state, one topic asked for");
			double perSecond = 100 / (INTERVAL_NANOS / 1e9);
			System.out.printf("%n100 instances, one lookup every 2 s each: every group described %,.0f describes/s,"
					+ " %,.0f bytes/s received; steady state %,.0f describes/s, %,.0f bytes/s received%n",
					perSecond * every.described(), perSecond * every.received(), perSecond * steady.described(),
					perSecond * steady.received());
		}
		finally {
			members.forEach(KafkaConsumer::close);
			broker.destroy();
		}
	}

	private static void createGroups(Admin admin, String bootstrap, int groups, int live,
			List<KafkaConsumer<byte[], byte[]>> members) throws Exception {
		List<NewTopic> topics = new ArrayList<>();
		for (int i = 0; i < live; i++) {
			topics.add(new NewTopic("bench-topic-" + i, 1, (short) 1));
		}
		topics.add(new NewTopic("bench-offsets", 1, (short) 1));
		admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
		// Groups of stopped applications: committed offsets, no member.
		Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition("bench-offsets", 0),
				new OffsetAndMetadata(0));
		for (int i = live; i < groups; i++) {
			admin.alterConsumerGroupOffsets("bench-empty-" + i, offsets).all().get(30, TimeUnit.SECONDS);
		}
		for (int i = 0; i < live; i++) {
			Map<String, Object> config = new HashMap<>();
			config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
			config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-live-" + i);
			config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
			config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.MAX_VALUE);
			config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
			config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
			KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
			members.add(consumer);
			consumer.subscribe(List.of("bench-topic-" + i));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (consumer.assignment().isEmpty() && System.nanoTime() - deadline < 0) {
				consumer.poll(Duration.ofMillis(50));
			}
		}
	}

	@FunctionalInterface
	private interface Lookup {

		ResponderLookup.@Nullable Answer run() throws Exception;

	}

	private static final class Cost {

		private int count;

		private long described;

		private long nanos;

		private double sent;

		private double received;

		void add(Admin admin, Lookup lookup) throws Exception {
			double sentBefore = total(admin, "outgoing-byte-total");
			double receivedBefore = total(admin, "incoming-byte-total");
			long start = System.nanoTime();
			ResponderLookup.@Nullable Answer answer = lookup.run();
			if (answer == null) {
				throw new IllegalStateException("The lookup timed out");
			}
			this.nanos += System.nanoTime() - start;
			this.sent += total(admin, "outgoing-byte-total") - sentBefore;
			this.received += total(admin, "incoming-byte-total") - receivedBefore;
			this.described += answer.described();
			this.count++;
		}

		double described() {
			return (double) this.described / this.count;
		}

		double received() {
			return this.received / this.count;
		}

		void print(String name) {
			System.out.printf("| %s | %d | %,.0f | %.1f | %,.0f | %,.0f |%n", name, this.count, described(),
					this.nanos / 1e6 / this.count, this.sent / this.count, received());
		}

		// The admin client's own totals, over all its connections.
		private static double total(Admin admin, String name) {
			double total = 0;
			for (Map.Entry<MetricName, ? extends Metric> entry : admin.metrics().entrySet()) {
				MetricName metric = entry.getKey();
				if (metric.name().equals(name) && metric.group().equals("admin-client-metrics")
						&& entry.getValue().metricValue() instanceof Number value) {
					total += value.doubleValue();
				}
			}
			return total;
		}

	}

}
