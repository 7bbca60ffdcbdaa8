package dev.requestreply;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.requestreply.DurableRequestsTests.DurableApp;
import dev.requestreply.durable.DurableRequests;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Not part of the suite: measures once how long an instance takes to restore a durable partition
 * of 10,000 pending requests, and one of 100,000 tombstones (ended requests that compaction has not
 * removed yet), written by a plain producer. Run it alone:
 * {@code ./mvnw -B -ntp -pl request-reply-autoconfigure -am test -Dtest=DurableRestoreMeasureTests
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddurable.measure=true}; each line starting
 * {@code DURABLE restore} goes to {@code target/test-figures.txt}.
 */
@EnabledIfSystemProperty(named = "durable.measure", matches = "true")
class DurableRestoreMeasureTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration WAIT = Duration.ofMinutes(5);

	@Test
	void measureTheRestoreOf10000PendingAnd100000Tombstones() throws Exception {
		long deadline = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
		byte[] pending = ("{\"v\":1,\"kind\":\"report\",\"deadline\":" + deadline
				+ ",\"context\":{\"customer\":\"c-0001\"},\"topic\":\"jobs\",\"partition\":0,\"submittedAt\":"
				+ System.currentTimeMillis() + "}")
			.getBytes(StandardCharsets.UTF_8);
		measure("10000 pending", 10_000, pending, 10_000);
		measure("100000 tombstones", 100_000, null, 0);
	}

	private static void measure(String what, int records, byte @Nullable [] value, int pendingAfter) throws Exception {
		String replies = TestBroker.createTopic("durable-measure-replies", 1);
		String pendingTopic = TestBroker.createTopic("durable-measure-pending", 1);
		long writeStart = System.nanoTime();
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG,
				20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new ByteArraySerializer(), new ByteArraySerializer())) {
			for (int i = 0; i < records; i++) {
				producer.send(new ProducerRecord<>(pendingTopic, 0,
						UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), value));
			}
			producer.flush();
		}
		long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStart);
		long start = System.nanoTime();
		ConfigurableApplicationContext instance = apps.start(new Class<?>[] { DurableApp.class },
				"spring.application.name=" + TestBroker.uniqueTopic("durable-measure"),
				"request-reply.handler.enabled=false", "request-reply.durable.topic-partitions=1",
				"request-reply.durable.reply-topic=" + replies, "request-reply.durable.pending-topic=" + pendingTopic);
		DurableRequests durable = instance.getBean(DurableRequests.class);
		await().atMost(WAIT).until(() -> durable.getLastRestoreTime() != null);
		long untilRestoredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		Duration restore = durable.getLastRestoreTime();
		TestFigures.report("DURABLE restore of %s (%d records, 1 partition): %d ms (getLastRestoreTime); %d ms from "
				+ "the application's start to the end of the restore; written in %d ms; %d pending after; load %s",
				what, records, restore.toMillis(), untilRestoredMs, writeMs, durable.getPendingCount(),
				String.format("%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
		assertThat(durable.getPendingCount()).isEqualTo(pendingAfter);
		instance.close();
	}

}
