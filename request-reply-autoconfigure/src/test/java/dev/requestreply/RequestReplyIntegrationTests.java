package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * One application that is both requester and responder, against the embedded broker.
 */
class RequestReplyIntegrationTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	private static Handlers handlers;

	private static KafkaTemplate<byte[], byte[]> raw;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=integration",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("integration-replies"),
				"request-reply.default-timeout=2s", "test.topic.echo=" + TestBroker.uniqueTopic("echo"),
				"test.topic.json=" + TestBroker.uniqueTopic("json"), "test.topic.bytes=" + TestBroker.uniqueTopic("bytes"),
				"test.topic.fail=" + TestBroker.uniqueTopic("fail"), "test.topic.async=" + TestBroker.uniqueTopic("async"),
				"test.topic.slow=" + TestBroker.uniqueTopic("slow"),
				"test.topic.counting=" + TestBroker.uniqueTopic("counting"));
		template = context.getBean(RequestReplyTemplate.class);
		handlers = context.getBean(Handlers.class);
		raw = TestBroker.rawTemplate(TestBroker.bootstrapServers());
		apps.closing(((DefaultKafkaProducerFactory<byte[], byte[]>) raw.getProducerFactory())::destroy);
	}

	private static String topic(String name) {
		return context.getEnvironment().getRequiredProperty("test.topic." + name);
	}

	@Test
	void whenStringRequestedThenStringReplyArrives() throws Exception {
		assertThat(template.request(topic("echo"), "hello", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("HELLO");
	}

	@Test
	void whenRecordRequestedThenJsonRecordReplyArrives() throws Exception {
		Quote quote = template.request(topic("json"), new QuoteRequest("ACME", 3), Quote.class).get(10, TimeUnit.SECONDS);
		assertThat(quote).isEqualTo(new Quote("ACME", 3, 30.0));
	}

	@Test
	void whenBytesRequestedThenBytesPassAsTheyAre() throws Exception {
		byte[] reply = template.request(topic("bytes"), new byte[] { 1, 2, 3 }, byte[].class).get(10, TimeUnit.SECONDS);
		assertThat(reply).containsExactly(3, 2, 1);
	}

	@Test
	void whenRequestAndWaitThenReplyIsReturned() {
		assertThat(template.requestAndWait(topic("echo"), "blocking", String.class)).isEqualTo("BLOCKING");
	}

	@Test
	void whenRecordWithKeyAndHeadersRequestedThenTheyArriveWithTheRequest() throws Exception {
		String value = "keyed-" + UUID.randomUUID();
		ProducerRecord<String, String> record = new ProducerRecord<>(topic("echo"), null, "key-1", value,
				new RecordHeaders().add("x-custom", "v".getBytes(StandardCharsets.UTF_8)));
		assertThat(template.request(record, String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo(value.toUpperCase(java.util.Locale.ROOT));
		ConsumerRecord<byte[], byte[]> sent = TestBroker.readAll(topic("echo"))
			.stream()
			.filter((request) -> value.equals(new String(request.value(), StandardCharsets.UTF_8)))
			.findFirst()
			.orElseThrow();
		assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("key-1");
		assertThat(sent.headers().lastHeader("x-custom").value()).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
		assertThat(sent.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID).value()).hasSize(16);
	}

	@Test
	void whenHandlerThrowsThenRemoteHandlerExceptionCarriesTypeAndMessage() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic("fail"), "widget", String.class).get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> {
				RemoteHandlerException remote = (RemoteHandlerException) ex.getCause();
				assertThat(remote.getErrorType()).isEqualTo(IllegalStateException.class.getName());
				assertThat(remote.getRemoteMessage()).isEqualTo("no stock for widget");
			});
	}

	@Test
	void whenHandlerReturnsFutureThenItsValueIsTheReply() throws Exception {
		assertThat(template.request(topic("async"), "a", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("async:a");
	}

	@Test
	void whenHandlerFutureFailsThenErrorReplyArrives() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic("async"), "fail", String.class).get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> assertThat(((RemoteHandlerException) ex.getCause()).getErrorType())
				.isEqualTo(UnsupportedOperationException.class.getName()));
	}

	@Test
	void whenNoReplyWithinRequestTimeoutThenTimeoutAndLateReplyIsCounted() throws Exception {
		long lateBefore = template.getRegistry().lateReplyCount();
		// An existing topic nobody reads, so that the send does not wait for the topic's creation.
		String nobody = TestBroker.createTopic("nobody", 1);
		CompletableFuture<String> future = template.request(nobody, "late", String.class, Duration.ofSeconds(1));
		CorrelationId id = template.getRegistry()
			.oldest(100)
			.stream()
			.filter((info) -> info.topic().equals(nobody))
			.findFirst()
			.orElseThrow()
			.correlationId();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestTimeoutException.class);
		// A reply after the timeout, from a responder that does not act on cancel records (a
		// @ReplyHandler stops instead, see CancellationTests).
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, id.toBytes());
		raw.send(new ProducerRecord<byte[], byte[]>(template.getReplyTopic(), null, (byte[]) null,
				"too late".getBytes(StandardCharsets.UTF_8), headers)).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> template.getRegistry().lateReplyCount() == lateBefore + 1);
	}

	@Test
	void whenRequestNamesNoTimeoutThenDefaultTimeoutApplies() {
		handlers.slow.hold();
		try {
			long start = System.nanoTime();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> template.request(topic("slow"), "default", String.class).get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestTimeoutException.class)
				.satisfies((ex) -> assertThat(((RequestTimeoutException) ex.getCause()).getTimeout())
					.isEqualTo(Duration.ofSeconds(2)));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		}
		finally {
			handlers.slow.release();
		}
	}

	@Test
	void when2000ConcurrentRequestsThenEachGetsItsOwnReply() throws Exception {
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			futures.add(template.request(topic("echo"), "m-" + i, String.class, Duration.ofSeconds(60)));
		}
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		for (int i = 0; i < 2_000; i++) {
			assertThat(futures.get(i).get()).isEqualTo("M-" + i);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> template.getRegistry().pendingCount() == 0);
	}

	@Test
	void whenRequestIsMalformedThenErrorReplyAndHandlerKeepsServing() throws Exception {
		// Both with timeouts of their own, not the class's 2 s: under a loaded machine's scheduling a reply
		// can take longer than that, and what is tested is that an error reply comes and the
		// handler serves the next request.
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic("json"), "{not json", Quote.class, Duration.ofSeconds(10))
				.get(15, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> assertThat(((RemoteHandlerException) ex.getCause()).getErrorType())
				.isEqualTo(MalformedRequestException.class.getName()));
		assertThat(template.request(topic("json"), new QuoteRequest("NEXT", 1), Quote.class, Duration.ofSeconds(10))
			.get(15, TimeUnit.SECONDS)).isEqualTo(new Quote("NEXT", 1, 10.0));
		assertThat(stats("json").malformed()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void whenReplyDoesNotConvertThenThatFutureFailsWithRequestReplyException() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic("echo"), "text", Quote.class).get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining("cannot be converted to " + Quote.class.getName());
	}

	@Test
	void whenDeadlineHasPassedThenHandlerIsNeverCalled() throws Exception {
		int callsBefore = handlers.countingCalls.get();
		long expiredBefore = stats("counting").expired();
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, CorrelationId.random().toBytes());
		headers.add(RequestReplyHeaders.REPLY_TOPIC, template.getReplyTopic().getBytes(StandardCharsets.UTF_8));
		headers.add(RequestReplyHeaders.DEADLINE,
				Long.toString(System.currentTimeMillis() - 1_000).getBytes(StandardCharsets.US_ASCII));
		rawSend(new ProducerRecord<>(topic("counting"), null, (byte[]) null, "expired".getBytes(StandardCharsets.UTF_8),
				headers));
		assertThat(template.request(topic("counting"), "fresh", String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo("fresh");
		assertThat(handlers.countingCalls.get()).isEqualTo(callsBefore + 1);
		assertThat(handlers.countingPayloads).doesNotContain("expired");
		assertThat(stats("counting").expired()).isEqualTo(expiredBefore + 1);
	}

	@Test
	void whenRequestHasNoReplyTopicThenItIsSkippedAndPartitionMovesOn() throws Exception {
		long rejectedBefore = stats("counting").rejected();
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, CorrelationId.random().toBytes());
		rawSend(new ProducerRecord<>(topic("counting"), null, (byte[]) null, "orphan".getBytes(StandardCharsets.UTF_8),
				headers));
		assertThat(template.request(topic("counting"), "after-orphan", String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo("after-orphan");
		assertThat(stats("counting").rejected()).isEqualTo(rejectedBefore + 1);
		assertThat(handlers.countingPayloads).doesNotContain("orphan");
	}

	@Test
	void whenAnsweredThenRegistryKeepsNothing() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> template.getRegistry().pendingCount() == 0);
		RequestStatistics before = template.getRegistry().statistics();
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			futures.add(template.request(topic("echo"), "x" + i, String.class));
		}
		assertThat(template.getRegistry().pendingCount()).isBetween(0, 5);
		for (CompletableFuture<String> future : futures) {
			future.get(10, TimeUnit.SECONDS);
		}
		RequestStatistics after = template.getRegistry().statistics();
		assertThat(template.getRegistry().pendingCount()).isZero();
		assertThat(template.getRegistry().oldest(10)).isEmpty();
		assertThat(after.completed() - before.completed()).isEqualTo(5);
		assertThat(after.errors()).isEqualTo(before.errors());
		assertThat(after.timeouts()).isEqualTo(before.timeouts());
	}

	@Test
	void whenHandlerNamesNoGroupThenItReadsInAGroupOfItsOwn() {
		List<String> groups = context.getBean(ReplyHandlerContainers.class)
			.getContainers()
			.stream()
			.map((container) -> container.getGroupId())
			.toList();
		assertThat(groups).hasSize(7).doesNotHaveDuplicates().contains("integration." + topic("echo"));
	}

	private static ReplyHandlerStats stats(String handler) {
		return context.getBean(ReplyHandlerContainers.class).getStats().get("handlers." + handler);
	}

	private static void rawSend(ProducerRecord<byte[], byte[]> record) throws Exception {
		raw.send(record).get(10, TimeUnit.SECONDS);
	}

	record QuoteRequest(String symbol, int quantity) {
	}

	record Quote(String symbol, int quantity, double price) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Handlers {

		final AtomicInteger countingCalls = new AtomicInteger();

		final List<String> countingPayloads = new java.util.concurrent.CopyOnWriteArrayList<>();

		final TestGate slow = new TestGate();

		@ReplyHandler(topics = "${test.topic.echo}")
		String echo(String text) {
			return text.toUpperCase(java.util.Locale.ROOT);
		}

		@ReplyHandler(topics = "${test.topic.json}")
		Quote json(QuoteRequest request) {
			return new Quote(request.symbol(), request.quantity(), request.quantity() * 10.0);
		}

		@ReplyHandler(topics = "${test.topic.bytes}")
		byte[] bytes(byte[] bytes) {
			byte[] reversed = new byte[bytes.length];
			for (int i = 0; i < bytes.length; i++) {
				reversed[i] = bytes[bytes.length - 1 - i];
			}
			return reversed;
		}

		@ReplyHandler(topics = "${test.topic.fail}")
		String fail(String item) {
			throw new IllegalStateException("no stock for " + item);
		}

		@ReplyHandler(topics = "${test.topic.async}")
		CompletableFuture<String> async(String text) {
			if (text.equals("fail")) {
				return CompletableFuture.failedFuture(new UnsupportedOperationException("async failure"));
			}
			return CompletableFuture.supplyAsync(() -> "async:" + text);
		}

		@ReplyHandler(topics = "${test.topic.slow}")
		String slow(String text) throws InterruptedException {
			this.slow.pass();
			return text;
		}

		@ReplyHandler(topics = "${test.topic.counting}")
		String counting(String text) {
			this.countingCalls.incrementAndGet();
			this.countingPayloads.add(text);
			return text;
		}

	}

}
