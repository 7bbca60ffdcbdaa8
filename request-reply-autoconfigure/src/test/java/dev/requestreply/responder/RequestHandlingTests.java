package dev.requestreply.responder;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import dev.requestreply.CorrelationId;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.handler.ReplyTooLargeException;
import dev.requestreply.handler.ReplyTopicPolicy;
import io.micrometer.observation.ObservationRegistry;
import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.RequestReplyHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One handler's engine without a broker: request records built by hand and handed to its pump as
 * a consumer's poll would, replies caught by a {@link MockProducer} whose cluster knows the reply
 * topic's two partitions, as do the lookups of reply topics; a request is done with once its
 * partition's lowest unfinished offset passed it.
 */
class RequestHandlingTests {

	private static final String REQUESTS = "orders-requests";

	private static final String REPLIES = "app-replies";

	private static final String SLOW_REPLIES = "slow-replies";

	private static final byte[] KEY = "order-7".getBytes(StandardCharsets.UTF_8);

	private static final byte[] INSTANCE = "requester-1".getBytes(StandardCharsets.UTF_8);

	private final MockProducer<byte[], byte[]> producer = new MockProducer<>(cluster(), true, null,
			new ByteArraySerializer(), new ByteArraySerializer()) {

		@Override
		public void close(Duration timeout) {
			// A template may close its producer after a send: keep this one open, and its history.
		}

	};

	private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

	private final TopicPartition partition = new TopicPartition(REQUESTS, 0);

	private ServedHandler handler;

	private final byte[] correlationId = CorrelationId.random().toBytes();

	private long offset;

	@Test
	void whenHandlerAnswersThenReplyEchoesTheRequestOnItsPartitionAndRequestIsAcknowledged() {
		handle("echo", request("hello", addressed(1)));
		ProducerRecord<byte[], byte[]> reply = awaitOneReply();
		assertThat(reply.topic()).isEqualTo(REPLIES);
		assertThat(reply.partition()).isEqualTo(1);
		assertThat(reply.key()).isEqualTo(KEY);
		assertThat(new String(reply.value(), StandardCharsets.UTF_8)).isEqualTo("HELLO");
		assertThat(WireFormat.standard().correlationId(reply.headers())).isEqualTo(this.correlationId);
		assertThat(reply.headers().lastHeader(RequestReplyHeaders.INSTANCE).value()).isEqualTo(INSTANCE);
		assertThat(WireFormat.standard().responder(reply.headers())).isEqualTo("responder-app");
		assertThat(ErrorHeaders.remoteFailure(REQUESTS, reply.headers())).isNull();
		assertThat(stats().handled()).isOne();
		assertThat(done()).isTrue();
	}

	@Test
	void whenHandlerThrowsThenErrorReplyNamesTheExceptionAndRequestIsAcknowledged() {
		handle("fail", request("widget", addressed(null)));
		ProducerRecord<byte[], byte[]> reply = awaitOneReply();
		assertThat(reply.value()).isNull();
		assertThat(header(reply.headers(), RequestReplyHeaders.ERROR_TYPE))
			.isEqualTo(IllegalStateException.class.getName());
		assertThat(header(reply.headers(), RequestReplyHeaders.ERROR_MESSAGE)).isEqualTo("no stock for widget");
		assertThat(WireFormat.standard().correlationId(reply.headers())).isEqualTo(this.correlationId);
		assertThat(stats().failed()).isOne();
		assertThat(stats().handled()).isZero();
		assertThat(done()).isTrue();
	}

	@Test
	void whenPayloadDoesNotConvertThenErrorReplyAndCountedMalformed() {
		handle("order", request("not json", addressed(null)));
		ProducerRecord<byte[], byte[]> reply = awaitOneReply();
		assertThat(header(reply.headers(), RequestReplyHeaders.ERROR_TYPE))
			.isEqualTo(MalformedRequestException.class.getName());
		assertThat(stats().malformed()).isOne();
		assertThat(stats().handled() + stats().failed()).isZero();
		assertThat(done()).isTrue();
	}

	@Test
	void whenRequestHasNoValueThenErrorReplySaysSo() {
		handle("echo", request(null, addressed(null)));
		ProducerRecord<byte[], byte[]> reply = awaitOneReply();
		assertThat(header(reply.headers(), RequestReplyHeaders.ERROR_MESSAGE)).isEqualTo("Request has no value");
		assertThat(stats().malformed()).isOne();
		assertThat(done()).isTrue();
	}

	@Test
	void whenRequestNamesNoReplyTopicThenNoReplyAndCountedRejected() {
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, this.correlationId);
		assertSkippedWithoutReply(headers, () -> stats().rejected());
	}

	@Test
	void whenDeadlineIsMalformedThenErrorReplyNamesTheHeader() {
		RecordHeaders headers = addressed(null);
		headers.add(RequestReplyHeaders.DEADLINE, "soon".getBytes(StandardCharsets.UTF_8));
		handle("echo", request("hello", headers));
		ProducerRecord<byte[], byte[]> reply = awaitOneReply();
		assertThat(header(reply.headers(), RequestReplyHeaders.ERROR_MESSAGE)).contains(RequestReplyHeaders.DEADLINE);
		assertThat(WireFormat.standard().correlationId(reply.headers())).isEqualTo(this.correlationId);
		assertThat(stats().malformed()).isOne();
		assertThat(done()).isTrue();
	}

	@Test
	void whenDeadlineHasPassedThenNoReplyAndCountedExpired() {
		RecordHeaders headers = WireFormat.standard().requestHeaders(new RecordHeaders(), new RequestHeaders(this.correlationId,
				REPLIES, null, System.currentTimeMillis() - 1_000, INSTANCE, false));
		assertSkippedWithoutReply(headers, () -> stats().expired());
	}

	@Test
	void whenReplyTopicIsNotAllowedThenNoReplyAndCountedRefused() {
		RecordHeaders headers = WireFormat.standard().requestHeaders(new RecordHeaders(), new RequestHeaders(this.correlationId,
				"payments", null, RequestHeaders.NO_DEADLINE, INSTANCE, false));
		assertSkippedWithoutReply(headers, () -> stats().refused());
	}

	@Test
	void whenTheReplyTopicIsMissingThenNoReplyAndCountedAsAReplyFailure() {
		RecordHeaders headers = WireFormat.standard().requestHeaders(new RecordHeaders(), new RequestHeaders(this.correlationId,
				"ghost-replies", null, RequestHeaders.NO_DEADLINE, INSTANCE, false));
		assertSkippedWithoutReply(headers, () -> stats().replyFailures());
	}

	@Test
	void whenTheReplyTopicsLookupDoesNotAnswerThenTheRequestEndsAtItsDeadline() {
		long start = System.nanoTime();
		RecordHeaders headers = WireFormat.standard().requestHeaders(new RecordHeaders(), new RequestHeaders(this.correlationId,
				SLOW_REPLIES, null, System.currentTimeMillis() + 300, INSTANCE, false));
		assertSkippedWithoutReply(headers, () -> stats().expired());
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
	}

	@Test
	void whenReplyPartitionDoesNotExistThenErrorReplyWithoutPartition() {
		handle("echo", request("hello", addressed(5)));
		ProducerRecord<byte[], byte[]> reply = awaitOneReply();
		assertThat(reply.partition()).isNull();
		assertThat(header(reply.headers(), RequestReplyHeaders.ERROR_MESSAGE)).contains("partition 5");
		assertThat(stats().malformed()).isOne();
		assertThat(done()).isTrue();
	}

	@Test
	void whenStreamIsRequestedThenEachElementThenAnEndMarkerAreSentAndAcknowledgedOnce() {
		RecordHeaders headers = WireFormat.standard().requestHeaders(new RecordHeaders(), new RequestHeaders(this.correlationId,
				REPLIES, 0, RequestHeaders.NO_DEADLINE, INSTANCE, true));
		handle("letters", request("abc", headers));
		await().atMost(Duration.ofSeconds(5)).until(this::done);
		List<ProducerRecord<byte[], byte[]>> parts = this.producer.history();
		assertThat(parts).hasSize(4).allSatisfy((part) -> {
			assertThat(part.partition()).isZero();
			assertThat(part.key()).isEqualTo(KEY);
			assertThat(WireFormat.standard().correlationId(part.headers())).isEqualTo(this.correlationId);
		});
		assertThat(parts.subList(0, 3)).extracting((part) -> new String(part.value(), StandardCharsets.UTF_8))
			.containsExactly("a", "b", "c");
		assertThat(parts).extracting((part) -> WireFormat.standard().sequence(part.headers())).containsExactly(0L, 1L, 2L, null);
		assertThat(WireFormat.standard().end(parts.get(3).headers())).isEqualTo(3L);
		assertThat(parts.get(3).value()).isNull();
		assertThat(stats().handled()).isOne();
	}

	@Test
	void whenAStreamElementIsLargerThanTheProducerSendsThenTheStreamEndsWithResourceExhausted() {
		RecordHeaders headers = WireFormat.standard().requestHeaders(new RecordHeaders(), new RequestHeaders(this.correlationId,
				REPLIES, 0, RequestHeaders.NO_DEADLINE, INSTANCE, true));
		handle("sized", request("2097152", headers));
		await().atMost(Duration.ofSeconds(5)).until(this::done);
		List<ProducerRecord<byte[], byte[]>> parts = this.producer.history();
		assertThat(parts).hasSize(2);
		assertThat(new String(parts.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("small");
		assertThat(header(parts.get(1).headers(), RequestReplyHeaders.ERROR_CODE))
			.isEqualTo(ReplyErrorCodes.RESOURCE_EXHAUSTED);
		assertThat(header(parts.get(1).headers(), RequestReplyHeaders.ERROR_TYPE))
			.isEqualTo(ReplyTooLargeException.class.getName());
		assertThat(WireFormat.standard().end(parts.get(1).headers())).isEqualTo(1L);
		assertThat(stats().replyFailures()).isOne();
	}

	private void assertSkippedWithoutReply(Headers headers, LongSupplier figure) {
		handle("echo", request("hello", headers));
		await().atMost(Duration.ofSeconds(5)).until(this::done);
		assertThat(this.producer.history()).isEmpty();
		assertThat(figure.getAsLong()).isOne();
		assertThat(stats().handled()).isZero();
	}

	@AfterEach
	void stop() {
		if (this.handler != null) {
			this.handler.stop();
		}
	}

	private void handle(String methodName, ConsumerRecord<byte[], byte[]> request) {
		Method method = ReflectionUtils.findMethod(Handlers.class, methodName, (Class<?>[]) null);
		ReflectionUtils.makeAccessible(method);
		ReplyHandlerEndpoint endpoint = new ReplyHandlerEndpoint("handlers", new Handlers(), method,
				List.of(REQUESTS), null, null, method.getGenericParameterTypes()[0]);
		KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(new MockProducerFactory<>(() -> this.producer));
		ResponderClients clients = new ResponderClients(new DefaultKafkaConsumerFactory<>(Map.of()), template, null);
		ResponderShared shared = new ResponderShared(new PayloadConverter(JsonMapper.builder().build()),
				new ReplyTopicPolicy(ReplyTopicPolicy.DEFAULT_PATTERNS, List.of(REQUESTS)), ObservationRegistry.NOOP,
				null, null, new ReplyTopics(this::lookUp, System::nanoTime));
		this.handler = new ServedHandler(endpoint, "responder-app", TestSettings.DEFAULTS, clients, shared,
				new OutcomeListeners(), List.of());
		this.consumer.assign(List.of(this.partition));
		this.handler.pump().onPartitionsAssigned(this.consumer, List.of(this.partition));
		this.handler.pump().onMessage(List.of(request), null, this.consumer);
	}

	// The reply topic has two partitions, a slow one never answers, the rest are missing.
	private CompletableFuture<Integer> lookUp(String topic) {
		return switch (topic) {
			case REPLIES -> CompletableFuture.completedFuture(2);
			case SLOW_REPLIES -> new CompletableFuture<>();
			default -> CompletableFuture.failedFuture(new UnknownTopicOrPartitionException(topic));
		};
	}

	private ReplyHandlerStats stats() {
		return this.handler.stats();
	}

	// The request ended: its offset no longer holds its partition back.
	private boolean done() {
		return this.handler.requests().size() == 0 && this.handler.pump()
			.consumers()
			.stream()
			.allMatch((owner) -> Long.valueOf(this.offset).equals(owner.lowestUnfinished().get(this.partition)));
	}

	private RecordHeaders addressed(Integer replyPartition) {
		return WireFormat.standard().requestHeaders(new RecordHeaders(), new RequestHeaders(this.correlationId, REPLIES,
				replyPartition, System.currentTimeMillis() + 60_000, INSTANCE, false));
	}

	private ConsumerRecord<byte[], byte[]> request(String value, Headers headers) {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(REQUESTS, 0, this.offset++, KEY,
				(value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
		for (Header header : headers) {
			record.headers().add(header);
		}
		return record;
	}

	private ProducerRecord<byte[], byte[]> awaitOneReply() {
		await().atMost(Duration.ofSeconds(5)).until(this::done);
		assertThat(this.producer.history()).hasSize(1);
		return this.producer.history().get(0);
	}

	private static String header(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private static Cluster cluster() {
		Node node = new Node(0, "localhost", 9092);
		Node[] nodes = { node };
		return new Cluster("unit", List.of(node), List.of(new PartitionInfo(REPLIES, 0, node, nodes, nodes),
				new PartitionInfo(REPLIES, 1, node, nodes, nodes)), Set.of(), Set.of());
	}

	record Order(String item, int quantity) {
	}

	static class Handlers {

		String echo(String text) {
			return text.toUpperCase(Locale.ROOT);
		}

		String fail(String item) {
			throw new IllegalStateException("no stock for " + item);
		}

		String order(Order order) {
			return order.item();
		}

		Stream<String> sized(String size) {
			return Stream.of("small", "x".repeat(Integer.parseInt(size)), "never sent");
		}

		Stream<String> letters(String text) {
			return text.chars().mapToObj((c) -> String.valueOf((char) c));
		}

	}

}
