package dev.requestreply;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.requestreply.wire.RequestReplyHeaders;
import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Broken and hostile input, on the responder and on the requester: each has a defined outcome, a
 * counter, and the partition moves on.
 */
class BadInputTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static KafkaProducer<byte[], byte[]> producer;

	private static KafkaConsumer<byte[], byte[]> replies;

	private static String requestTopic;

	private static String replyTopic;

	private static String ownReplyTopic;

	private static String sizedTopic;

	@BeforeAll
	static void start() {
		requestTopic = TestBroker.createTopic("bad-input", 1);
		// Matches no default pattern: allowed because it is the application's own reply topic.
		ownReplyTopic = TestBroker.uniqueTopic("bad-own-responses");
		replyTopic = TestBroker.createTopic("bad-replies", 1);
		sizedTopic = TestBroker.createTopic("bad-sized", 1);
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=bad-input",
				"test.topic=" + requestTopic, "test.sized-topic=" + sizedTopic,
				"request-reply.reply-topic=" + ownReplyTopic,
				"request-reply.handler.max-request-size=1KB");
		producer = apps.closing(new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
		replies = apps.closing(new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers(), ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
		replies.assign(List.of(new TopicPartition(replyTopic, 0)));
		replies.seekToBeginning(List.of(new TopicPartition(replyTopic, 0)));
	}

	private static ReplyHandlerStats stats() {
		return context.getBean(ReplyHandlerContainers.class).getStats().get("items.count");
	}

	private static CorrelationId send(String value, Consumer<RecordHeaders> customizer) throws Exception {
		CorrelationId id = CorrelationId.random();
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, id.toBytes());
		headers.add(RequestReplyHeaders.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8));
		customizer.accept(headers);
		producer.send(new ProducerRecord<>(requestTopic, null, (byte[]) null,
				(value != null) ? value.getBytes(StandardCharsets.UTF_8) : null, headers)).get(10, TimeUnit.SECONDS);
		return id;
	}

	private static ConsumerRecord<byte[], byte[]> awaitReply(CorrelationId id) {
		AtomicReference<ConsumerRecord<byte[], byte[]>> found = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			for (ConsumerRecord<byte[], byte[]> record : replies.poll(Duration.ofMillis(100))) {
				Header header = record.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID);
				if (header != null && id.equals(CorrelationId.fromBytes(header.value()))) {
					found.set(record);
				}
			}
			return found.get() != null;
		});
		return found.get();
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	/**
	 * A valid request after the bad one is answered: the partition moved on.
	 */
	private static void assertPartitionMovesOn() throws Exception {
		CorrelationId id = send("{\"name\":\"ok\",\"count\":2}", (headers) -> {
		});
		assertThat(new String(awaitReply(id).value(), StandardCharsets.UTF_8)).isEqualTo("2");
	}

	private static void assertErrorReply(CorrelationId id, String messagePart) {
		ConsumerRecord<byte[], byte[]> reply = awaitReply(id);
		assertThat(header(reply, RequestReplyHeaders.ERROR_TYPE)).isEqualTo(MalformedRequestException.class.getName());
		assertThat(header(reply, RequestReplyHeaders.ERROR_MESSAGE)).contains(messagePart);
		assertThat(reply.value()).isNull();
	}

	@Test
	void whenCorrelationIdIsMissingEmptyOrOversizedThenRequestIsSkippedAndCounted() throws Exception {
		long before = stats().rejected();
		send("{\"name\":\"a\",\"count\":1}", (headers) -> headers.remove(RequestReplyHeaders.CORRELATION_ID));
		send("{\"name\":\"a\",\"count\":1}", (headers) -> {
			headers.remove(RequestReplyHeaders.CORRELATION_ID);
			headers.add(RequestReplyHeaders.CORRELATION_ID, new byte[0]);
		});
		send("{\"name\":\"a\",\"count\":1}", (headers) -> {
			headers.remove(RequestReplyHeaders.CORRELATION_ID);
			headers.add(RequestReplyHeaders.CORRELATION_ID, new byte[300]);
		});
		assertPartitionMovesOn();
		assertThat(stats().rejected()).isEqualTo(before + 3);
	}

	@Test
	void whenReplyTopicIsMissingThenRequestIsSkippedAndCounted() throws Exception {
		long before = stats().rejected();
		send("{\"name\":\"a\",\"count\":1}", (headers) -> headers.remove(RequestReplyHeaders.REPLY_TOPIC));
		assertPartitionMovesOn();
		assertThat(stats().rejected()).isEqualTo(before + 1);
	}

	@Test
	void whenReplyTopicIsNotAllowedThenRequestIsRefusedAndNothingIsWritten() throws Exception {
		String forbidden = TestBroker.uniqueTopic("forbidden-target");
		assertRefused(forbidden);
		java.util.Set<String> topics = TestBroker.get()
			.doWithAdminFunction((admin) -> admin.listTopics().names().toCompletionStage().toCompletableFuture().join());
		assertThat(topics).doesNotContain(forbidden);
	}

	@Test
	void whenReplyTopicIsInternalThenRequestIsRefused() throws Exception {
		assertRefused("__consumer_offsets");
	}

	@Test
	void whenReplyTopicIsTheHandlersOwnRequestTopicThenRequestIsRefused() throws Exception {
		long before = requestTopicEnd();
		assertRefused(requestTopic);
		// The forged request and the one that shows the partition moved on; no reply among them.
		assertThat(requestTopicEnd()).isEqualTo(before + 2);
	}

	@Test
	void whenReplyTopicIsTheApplicationsOwnThenItIsAllowedWithoutMatchingAPattern() throws Exception {
		long refused = stats().refused();
		long handled = stats().handled();
		send("{\"name\":\"a\",\"count\":1}", (headers) -> {
			headers.remove(RequestReplyHeaders.REPLY_TOPIC);
			headers.add(RequestReplyHeaders.REPLY_TOPIC, ownReplyTopic.getBytes(StandardCharsets.UTF_8));
		});
		assertPartitionMovesOn();
		assertThat(stats().refused()).isEqualTo(refused);
		assertThat(stats().handled()).isEqualTo(handled + 2);
	}

	@Test
	void whenRequestsNameForgedReplyTopicsThenNoTopicIsCreatedAndAGenuineRequestIsAnsweredMeanwhile()
			throws Exception {
		// Allowed names (they end in -replies) of topics that do not exist, on a broker that creates
		// topics on a metadata request.
		String ghosts = TestBroker.uniqueTopic("ghost");
		int forged = 64;
		long failures = stats().replyFailures();
		long ended = failures + stats().handled();
		for (int i = 0; i < forged; i++) {
			RecordHeaders headers = new RecordHeaders();
			headers.add(RequestReplyHeaders.CORRELATION_ID, CorrelationId.random().toBytes());
			headers.add(RequestReplyHeaders.REPLY_TOPIC, (ghosts + "-" + i + "-replies").getBytes(StandardCharsets.UTF_8));
			producer.send(new ProducerRecord<>(requestTopic, null, (byte[]) null,
					"{\"name\":\"forged\",\"count\":1}".getBytes(StandardCharsets.UTF_8), headers));
		}
		producer.flush();
		long start = System.nanoTime();
		Integer genuine = context.getBean(RequestReplyTemplate.class)
			.request(requestTopic, new Item("genuine", 7), Integer.class, Duration.ofSeconds(5))
			.get(10, TimeUnit.SECONDS);
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(genuine).isEqualTo(7);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> stats().replyFailures() + stats().handled() >= ended + forged + 1);
		Set<String> topics = TestBroker.get()
			.doWithAdminFunction((admin) -> admin.listTopics().names().toCompletionStage().toCompletableFuture().join());
		TestFigures.report("SECURITY %d requests naming forged reply topics: a genuine request behind them answered in "
				+ "%d ms; topics created: %d", forged, tookMillis,
				topics.stream().filter((topic) -> topic.startsWith(ghosts)).count());
		assertThat(topics).noneMatch((topic) -> topic.startsWith(ghosts));
		assertThat(stats().replyFailures()).isEqualTo(failures + forged);
	}

	@Test
	void whenAReplyIsOverTheProducersMaxRequestSizeThenTheCallerGetsResourceExhaustedAtOnce() throws Exception {
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		long start = System.nanoTime();
		// 2 MB: over the 1 MB max.request.size of the handlers' producer.
		CompletableFuture<String> tooLarge = template.request(sizedTopic, new Item("large", 2 * 1024 * 1024),
				String.class, Duration.ofSeconds(8));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> tooLarge.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RemoteHandlerException.class,
					(ex) -> assertThat(ex.getErrorCode()).isEqualTo(ReplyErrorCodes.RESOURCE_EXHAUSTED));
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		TestFigures.report("RELIABILITY reply over max.request.size: error reply after %d ms (timeout 8000 ms)",
				tookMillis);
		assertThat(tookMillis).isLessThan(5_000);
		assertThat(template.request(sizedTopic, new Item("small", 10), String.class).get(10, TimeUnit.SECONDS))
			.hasSize(10);
	}

	private void assertRefused(String replyTopicName) throws Exception {
		long before = stats().refused();
		send("{\"name\":\"a\",\"count\":1}", (headers) -> {
			headers.remove(RequestReplyHeaders.REPLY_TOPIC);
			headers.add(RequestReplyHeaders.REPLY_TOPIC, replyTopicName.getBytes(StandardCharsets.UTF_8));
		});
		assertPartitionMovesOn();
		assertThat(stats().refused()).isEqualTo(before + 1);
	}

	private static long requestTopicEnd() {
		TopicPartition partition = new TopicPartition(requestTopic, 0);
		return TestBroker.get()
			.doWithAdminFunction((admin) -> admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
				.partitionResult(partition)
				.toCompletionStage()
				.toCompletableFuture()
				.join()
				.offset());
	}

	@Test
	void whenJsonIsMalformedOrOfWrongShapeThenErrorReply() throws Exception {
		long before = stats().malformed();
		assertErrorReply(send("{\"name\":", (headers) -> {
		}), "Cannot read");
		assertErrorReply(send("[1,2]", (headers) -> {
		}), "Cannot read");
		assertPartitionMovesOn();
		assertThat(stats().malformed()).isEqualTo(before + 2);
	}

	@Test
	void whenPayloadIsTooLargeThenErrorReply() throws Exception {
		assertErrorReply(send("{\"name\":\"" + "x".repeat(2_000) + "\",\"count\":1}", (headers) -> {
		}), "max-request-size");
		assertPartitionMovesOn();
	}

	@Test
	void whenValueIsNullThenErrorReply() throws Exception {
		assertErrorReply(send(null, (headers) -> {
		}), "no value");
		assertPartitionMovesOn();
	}

	@Test
	void whenDeadlineIsNotANumberOrAbsurdThenErrorReply() throws Exception {
		for (String deadline : List.of("soon", "-5", "99999999999999999999", "")) {
			assertErrorReply(send("{\"name\":\"a\",\"count\":1}", (headers) -> headers.add(RequestReplyHeaders.DEADLINE,
					deadline.getBytes(StandardCharsets.US_ASCII))), RequestReplyHeaders.DEADLINE);
		}
		assertPartitionMovesOn();
	}

	@Test
	void whenReplyPartitionIsNotFourBytesThenErrorReply() throws Exception {
		assertErrorReply(send("{\"name\":\"a\",\"count\":1}",
				(headers) -> headers.add(RequestReplyHeaders.REPLY_PARTITION, new byte[] { 0, 1, 2 })),
				RequestReplyHeaders.REPLY_PARTITION);
		assertPartitionMovesOn();
	}

	@Test
	void whenReplyPartitionIsOutOfRangeThenErrorReply() throws Exception {
		assertErrorReply(send("{\"name\":\"a\",\"count\":1}", (headers) -> headers.add(RequestReplyHeaders.REPLY_PARTITION,
				ByteBuffer.allocate(4).putInt(7).array())), "names partition 7");
		assertPartitionMovesOn();
	}

	@Test
	void whenTypeHeaderNamesAnotherClassThenDeclaredTypeIsStillUsed() throws Exception {
		CorrelationId id = send("{\"name\":\"typed\",\"count\":5}", (headers) -> {
			headers.add("__TypeId__", "java.lang.ProcessBuilder".getBytes(StandardCharsets.UTF_8));
			headers.add("spring_json_header_types", "{\"x\":\"java.lang.ProcessBuilder\"}".getBytes(StandardCharsets.UTF_8));
		});
		assertThat(new String(awaitReply(id).value(), StandardCharsets.UTF_8)).isEqualTo("5");
		assertThat(context.getBean(Items.class).lastType).isEqualTo(Item.class);
	}

	@Test
	void whenRepliesAreBrokenThenRequesterCountsThemAndCarriesOn() throws Exception {
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		CorrelationRegistry registry = template.getRegistry();
		long invalid = registry.invalidReplyCount();
		long foreign = registry.foreignReplyCount();
		long duplicate = registry.duplicateReplyCount();
		String own = template.getReplyTopic();
		producer.send(new ProducerRecord<>(own, "no correlation".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
		RecordHeaders unknown = new RecordHeaders();
		unknown.add(RequestReplyHeaders.CORRELATION_ID, CorrelationId.random().toBytes());
		producer.send(new ProducerRecord<>(own, null, (byte[]) null, "x".getBytes(StandardCharsets.UTF_8), unknown))
			.get(10, TimeUnit.SECONDS);
		// An id of this instance (its first half) that no pending request has: a duplicate.
		Reply<Integer> answered = template.exchange(requestTopic, new Item("first", 1), Integer.class,
				Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
		CorrelationId answeredId = CorrelationId
			.fromBytes(answered.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID).value());
		RecordHeaders mine = new RecordHeaders();
		mine.add(RequestReplyHeaders.CORRELATION_ID,
				new CorrelationId(answeredId.mostSignificantBits(), answeredId.leastSignificantBits() ^ 1).toBytes());
		producer.send(new ProducerRecord<>(own, null, (byte[]) null, "x".getBytes(StandardCharsets.UTF_8), mine))
			.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(registry.invalidReplyCount()).isEqualTo(invalid + 1));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(registry.foreignReplyCount()).isEqualTo(foreign + 1));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(registry.duplicateReplyCount()).isEqualTo(duplicate + 1));
		assertThat(template.request(requestTopic, new Item("after", 9), Integer.class).get(10, TimeUnit.SECONDS))
			.isEqualTo(9);
	}

	record Item(String name, int count) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Items items() {
			return new Items();
		}

	}

	static class Items {

		volatile Class<?> lastType;

		@ReplyHandler(topics = "${test.sized-topic}")
		String sized(Item item) {
			return "x".repeat(item.count());
		}

		@ReplyHandler(topics = "${test.topic}")
		int count(Item item) {
			this.lastType = item.getClass();
			return item.count();
		}

	}

}
