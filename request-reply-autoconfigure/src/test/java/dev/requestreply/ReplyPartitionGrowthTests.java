package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.requestreply.requester.ReplyPartitionMode;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partitions added to the reply topic while requesters run are read in both modes, from their
 * first offset: replies a responder wrote there before the requester saw the partitions arrive.
 */
class ReplyPartitionGrowthTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final int BEFORE = 2;

	private static final int AFTER = 6;

	@ParameterizedTest
	@EnumSource(ReplyPartitionMode.class)
	void whenPartitionsAreAddedThenRepliesOnTheNewOnesArrive(ReplyPartitionMode mode) throws Exception {
		String requests = TestBroker.createTopic("growth-requests", 1);
		String replies = TestBroker.createTopic("growth-" + mode.name().toLowerCase() + "-replies", BEFORE);
		RequestReplyTemplate template = apps
			.startRequester(TestBroker.bootstrapServers(), "growth-" + mode, replies,
					"request-reply.reply-partitions=" + mode.name().toLowerCase())
			.getBean(RequestReplyTemplate.class);
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers()))) {
			admin.createPartitions(Map.of(replies, NewPartitions.increaseTo(AFTER))).all().get(10, TimeUnit.SECONDS);
		}
		AtomicBoolean running = new AtomicBoolean(true);
		CompletableFuture<Void> responder = CompletableFuture.runAsync(() -> answerOnNewPartitions(requests, replies,
				running));
		try {
			long start = System.nanoTime();
			List<CompletableFuture<String>> futures = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				futures.add(template.request(requests, "q" + i, String.class, Duration.ofSeconds(60)));
			}
			for (int i = 0; i < futures.size(); i++) {
				assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("echo:q" + i);
			}
			TestFigures.report("PARTITIONS %s: %d reply partitions grown to %d; 8 replies written to the new ones"
					+ " arrived within %d ms; reading %s", mode, BEFORE, AFTER,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), template.getReplyPartitions().read());
			assertThat(template.getReplyPartitions().read()).contains(BEFORE, AFTER - 1);
		}
		finally {
			running.set(false);
			responder.get(30, TimeUnit.SECONDS);
		}
	}

	/**
	 * A responder whose producer saw the new partitions at once: each reply goes to one of them,
	 * as a keyed reply hashed there would, whatever the request named.
	 */
	private static void answerOnNewPartitions(String requests, String replies, AtomicBoolean running) {
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG,
				TestBroker.uniqueTopic("growth-responder"), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
				KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
						ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
						ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
						ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
			consumer.subscribe(List.of(requests));
			int answered = 0;
			while (running.get()) {
				for (ConsumerRecord<byte[], byte[]> request : consumer.poll(Duration.ofMillis(100))) {
					Header id = request.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID);
					ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(replies,
							BEFORE + (answered++ % (AFTER - BEFORE)), null,
							("echo:" + new String(request.value(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
					reply.headers().add(RequestReplyHeaders.CORRELATION_ID, id.value());
					producer.send(reply);
				}
				producer.flush();
			}
		}
	}

}
