package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.env.Environment;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a handler sees of the call (headers, context, deadline) and what the requester sees of the
 * reply (metadata, error codes, generic and reactive types), against the broker.
 */
class CallContextTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=call-context",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("call-context-replies"),
				"test.topic.headers=" + TestBroker.uniqueTopic("headers"),
				"test.topic.failing=" + TestBroker.uniqueTopic("failing"),
				"test.topic.quotes=" + TestBroker.uniqueTopic("quotes"),
				"test.topic.reactive=" + TestBroker.uniqueTopic("reactive"),
				"test.topic.first=" + TestBroker.uniqueTopic("first"),
				"test.topic.second=" + TestBroker.uniqueTopic("second"),
				"test.topic.third=" + TestBroker.uniqueTopic("third"));
		template = context.getBean(RequestReplyTemplate.class);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	private static String topic(String name) {
		return context.getEnvironment().getRequiredProperty("test.topic." + name);
	}

	@Test
	void whenHandlerDeclaresHeadersAndContextThenItReceivesThemAndItsReplyHeadersArrive() throws Exception {
		ProducerRecord<String, String> request = new ProducerRecord<>(topic("headers"), "key-1", "hello");
		request.headers().add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
		request.headers().add("priority", "7".getBytes(StandardCharsets.UTF_8));
		request.headers().add("raw", new byte[] { 1, 2 });
		Instant before = Instant.now();
		Reply<String> reply = template
			.exchange(request, new ParameterizedTypeReference<String>() { }, Duration.ofSeconds(10))
			.get(10, TimeUnit.SECONDS);
		assertThat(reply.value()).isEqualTo("hello acme 7 2 " + topic("headers") + " key-1");
		assertThat(reply.header("handled-by")).isEqualTo("headers");
		assertThat(reply.header("rr_responder")).isNotNull();
		assertThat(new String(reply.key(), StandardCharsets.UTF_8)).isEqualTo("key-1");
		assertThat(reply.topic()).isEqualTo(template.getReplyTopic());
		assertThat(reply.offset()).isNotNegative();
		Instant deadline = context.getBean(App.class).seenDeadline.get();
		assertThat(deadline).isBetween(before.plusSeconds(9), Instant.now().plusSeconds(10));
	}

	@Test
	void whenOptionalHeaderMissingThenHandlerGetsNull() throws Exception {
		ProducerRecord<String, String> request = new ProducerRecord<>(topic("headers"), "hi");
		request.headers().add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
		assertThat(template.request(request, String.class).get(10, TimeUnit.SECONDS))
			.startsWith("hi acme null null");
	}

	@Test
	void whenRequiredHeaderMissingOrUnconvertibleThenErrorReplyIsInvalidArgumentAndPartitionMovesOn()
			throws Exception {
		long malformed = handlerStats(".headers").malformed();
		ProducerRecord<String, String> missing = new ProducerRecord<>(topic("headers"), "hi");
		assertRemoteCode(template.request(missing, String.class), "INVALID_ARGUMENT", "tenant");
		ProducerRecord<String, String> unconvertible = new ProducerRecord<>(topic("headers"), "hi");
		unconvertible.headers().add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
		unconvertible.headers().add("priority", "high".getBytes(StandardCharsets.UTF_8));
		assertRemoteCode(template.request(unconvertible, String.class), "INVALID_ARGUMENT", "priority");
		assertThat(handlerStats(".headers").malformed()).isEqualTo(malformed + 2);
		whenOptionalHeaderMissingThenHandlerGetsNull();
	}

	@Test
	void whenExceptionClassIsAnnotatedThenErrorReplyCarriesItsCode() {
		RemoteHandlerException failure = assertRemoteCode(template.request(topic("failing"), "missing", String.class),
				"NOT_FOUND", "no such symbol");
		assertThat(failure.isRetryable()).isFalse();
		assertThat(failure.getErrorType()).isEqualTo(UnknownSymbolException.class.getName());
		assertThat(assertRemoteCode(template.request(topic("failing"), "busy", String.class), "UNAVAILABLE", "busy")
			.isRetryable()).isTrue();
		assertRemoteCode(template.request(topic("failing"), "subclass", String.class), "NOT_FOUND", "subclass");
	}

	@Test
	void whenHandlerFailsWithPlainExceptionThenCodeIsInternal() {
		assertRemoteCode(template.request(topic("failing"), "boom", String.class), "INTERNAL", "boom");
	}

	@Test
	void whenPayloadDoesNotConvertThenCodeIsInvalidArgument() {
		assertRemoteCode(template.request(topic("quotes"), "not json", String.class), "INVALID_ARGUMENT", "JSON");
	}

	@Test
	void whenPlainKafkaClientRequestsThenItReadsTheErrorCodeHeader() {
		String replyTopic = TestBroker.createTopic("plain-replies", 1);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
				KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
						ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
						ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
						ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
			TopicPartition partition = new TopicPartition(replyTopic, 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			ProducerRecord<byte[], byte[]> request = new ProducerRecord<>(topic("failing"),
					"missing".getBytes(StandardCharsets.UTF_8));
			request.headers().add("kafka_correlationId", "any-bytes-at-all".getBytes(StandardCharsets.UTF_8));
			request.headers().add("kafka_replyTopic", replyTopic.getBytes(StandardCharsets.UTF_8));
			producer.send(request);
			producer.flush();
			AtomicReference<ConsumerRecord<byte[], byte[]>> reply = new AtomicReference<>();
			await().atMost(Duration.ofSeconds(15)).until(() -> {
				consumer.poll(Duration.ofMillis(100)).forEach(reply::set);
				return reply.get() != null;
			});
			assertThat(new String(reply.get().headers().lastHeader("rr_error_code").value(), StandardCharsets.UTF_8))
				.isEqualTo("NOT_FOUND");
			assertThat(reply.get().headers().lastHeader("kafka_correlationId").value())
				.isEqualTo("any-bytes-at-all".getBytes(StandardCharsets.UTF_8));
		}
	}

	@Test
	void whenReplyTypeIsGenericThenListAndMapConvert() throws Exception {
		List<Quote> quotes = template
			.request(topic("quotes"), new Quote("ACME", 2), new ParameterizedTypeReference<List<Quote>>() { })
			.get(10, TimeUnit.SECONDS);
		assertThat(quotes).containsExactly(new Quote("ACME", 2), new Quote("ACME", 3));
		Map<String, Quote> byName = template
			.request(topic("quotes"), new Quote("MAP", 2), new ParameterizedTypeReference<Map<String, Quote>>() { },
					Duration.ofSeconds(10))
			.get(10, TimeUnit.SECONDS);
		assertThat(byName).containsEntry("MAP", new Quote("MAP", 2));
	}

	@Test
	void whenStreamAndGatherNameGenericTypesThenElementsConvert() throws Exception {
		Flow.Publisher<Map<String, Object>> stream = template.requestStream(topic("quotes"), new Quote("X", 1),
				new ParameterizedTypeReference<Map<String, Object>>() { }, Duration.ofSeconds(10),
				Duration.ofSeconds(20));
		List<Map<String, Object>> elements = TestSubscriber.subscribe(stream, 10).done.get(20, TimeUnit.SECONDS);
		assertThat(elements).containsExactly(Map.of("symbol", "X", "price", 1), Map.of("symbol", "X", "price", 2));
		GatherResult<List<Quote>> gathered = template
			.scatterGather(List.of(topic("quotes")), new Quote("Y", 5), new ParameterizedTypeReference<List<Quote>>() { },
					GatherPolicy.count(1, Duration.ofSeconds(10)))
			.get(15, TimeUnit.SECONDS);
		assertThat(gathered.replies()).hasSize(1);
		assertThat(gathered.replies().get(0).value()).containsExactly(new Quote("Y", 5), new Quote("Y", 6));
	}

	@Test
	void whenHandlerReturnsMonoOrFluxThenValuesAreSentNotThePublisher() throws Exception {
		assertThat(template.request(topic("reactive"), "mono", String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo("one");
		assertThat(template.request(topic("reactive"), "flux", new ParameterizedTypeReference<List<String>>() { })
			.get(10, TimeUnit.SECONDS)).containsExactly("a", "b", "c");
		Flow.Publisher<String> stream = template.requestStream(topic("reactive"), "flux", String.class,
				Duration.ofSeconds(10), Duration.ofSeconds(20));
		assertThat(TestSubscriber.subscribe(stream, 1).done.get(20, TimeUnit.SECONDS)).containsExactly("a", "b", "c");
		assertThat(template.request(topic("reactive"), "empty", String.class).get(10, TimeUnit.SECONDS)).isNull();
		assertRemoteCode(template.request(topic("reactive"), "error", String.class), "NOT_FOUND", "reactive");
	}

	@Test
	void whenThreeServicesChainThenNoneOutlivesTheFirstCallersDeadline() throws Exception {
		App app = context.getBean(App.class);
		app.chain.clear();
		long start = System.nanoTime();
		Instant callerDeadline = Instant.now().plusMillis(1500);
		CompletableFuture<String> first = template.request(topic("first"), "go", String.class,
				Duration.ofMillis(1500));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> first.get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestTimeoutException.class);
		// The second service's call to the third, sent on another thread given the context, ended
		// by the first caller's deadline, not by its own 30 s.
		String secondOutcome = app.secondOutcome.get(10, TimeUnit.SECONDS);
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(secondOutcome).isEqualTo(RequestTimeoutException.class.getSimpleName());
		assertThat(elapsedMillis).isLessThan(5_000);
		app.releaseThird.countDown();
		assertThat(app.chain).hasSize(3);
		assertThat(app.chain.get(0)).isBeforeOrEqualTo(callerDeadline.plusMillis(100));
		assertThat(app.chain.get(1)).isBeforeOrEqualTo(app.chain.get(0));
		assertThat(app.chain.get(2)).isBeforeOrEqualTo(app.chain.get(0));
	}

	private static RemoteHandlerException assertRemoteCode(CompletableFuture<?> future, String code, String message) {
		ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
				() -> future.get(10, TimeUnit.SECONDS));
		assertThat(ex.getCause()).isInstanceOf(RemoteHandlerException.class);
		RemoteHandlerException failure = (RemoteHandlerException) ex.getCause();
		assertThat(failure.getErrorCode()).isEqualTo(code);
		assertThat(failure.getRemoteMessage()).containsIgnoringCase(message);
		return failure;
	}

	private static ReplyHandlerStats handlerStats(String idSuffix) {
		return context.getBean(ReplyHandlerContainers.class)
			.getStats()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().endsWith(idSuffix))
			.findFirst()
			.orElseThrow()
			.getValue();
	}

	record Quote(String symbol, int price) {
	}

	@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
	static class UnknownSymbolException extends RuntimeException {

		UnknownSymbolException(String message) {
			super(message);
		}

	}

	static class UnknownSubclassException extends UnknownSymbolException {

		UnknownSubclassException(String message) {
			super(message);
		}

	}

	@ReplyErrorCode("UNAVAILABLE")
	static class BusyException extends RuntimeException {

		BusyException(String message) {
			super(message);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		final AtomicReference<Instant> seenDeadline = new AtomicReference<>();

		final List<Instant> chain = new java.util.concurrent.CopyOnWriteArrayList<>();

		final CompletableFuture<String> secondOutcome = new CompletableFuture<>();

		final CountDownLatch releaseThird = new CountDownLatch(1);

		private final ExecutorService executor = Executors.newCachedThreadPool();

		private final ObjectProvider<RequestReplyTemplate> template;

		private final Environment environment;

		App(ObjectProvider<RequestReplyTemplate> template, Environment environment) {
			this.template = template;
			this.environment = environment;
		}

		private String topic(String name) {
			return this.environment.getRequiredProperty("test.topic." + name);
		}

		@ReplyHandler(topics = "${test.topic.headers}")
		String headers(@Header("tenant") String tenant, ReplyContext call,
				@Header(name = "priority", required = false) Integer priority, String payload,
				@Header(name = "raw", required = false) byte[] raw) {
			call.deadline().ifPresent(this.seenDeadline::set);
			call.addReplyHeader("handled-by", "headers");
			call.addReplyHeader("kafka_correlationId", "ignored");
			String key = (call.key() != null) ? new String(call.key(), StandardCharsets.UTF_8) : null;
			return payload + " " + tenant + " " + priority + " " + ((raw != null) ? raw.length : null) + " "
					+ call.topic() + " " + key;
		}

		@ReplyHandler(topics = "${test.topic.failing}")
		String failing(String request) {
			throw switch (request) {
				case "missing" -> new UnknownSymbolException("no such symbol");
				case "subclass" -> new UnknownSubclassException("subclass");
				case "busy" -> new BusyException("busy");
				default -> new IllegalStateException(request);
			};
		}

		@ReplyHandler(topics = "${test.topic.quotes}")
		Object quotes(Quote quote) {
			if (quote.symbol().equals("MAP")) {
				return Map.of(quote.symbol(), quote);
			}
			return List.of(quote, new Quote(quote.symbol(), quote.price() + 1));
		}

		@ReplyHandler(topics = "${test.topic.reactive}")
		Object reactive(String request) {
			return switch (request) {
				case "mono" -> Mono.just("one");
				case "flux" -> Flux.just("a", "b", "c");
				case "empty" -> Mono.empty();
				default -> Mono.error(new UnknownSymbolException("reactive failure"));
			};
		}

		@ReplyHandler(topics = "${test.topic.first}")
		String first(String request, ReplyContext call) {
			this.chain.add(call.deadline().orElseThrow());
			// On the handler's thread: inherits the deadline.
			return this.template.getObject().requestAndWait(topic("second"), request, String.class,
					Duration.ofSeconds(30));
		}

		@ReplyHandler(topics = "${test.topic.second}")
		CompletableFuture<String> second(String request, ReplyContext call) {
			this.chain.add(call.deadline().orElseThrow());
			CompletableFuture<String> result = new CompletableFuture<>();
			// On another thread, given the context.
			this.executor.execute(ReplyContext.wrap(() -> {
				try {
					result.complete(this.template.getObject()
						.requestAndWait(topic("third"), request, String.class, Duration.ofSeconds(30)));
				}
				catch (RequestReplyException ex) {
					this.secondOutcome.complete(ex.getClass().getSimpleName());
					result.completeExceptionally(ex);
				}
			}));
			return result;
		}

		@ReplyHandler(topics = "${test.topic.third}")
		String third(String request, ReplyContext call) throws InterruptedException {
			this.chain.add(call.deadline().orElseThrow());
			// Slow work: longer than anyone waits.
			this.releaseThird.await(10, TimeUnit.SECONDS);
			return "too late";
		}

	}

}
