package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.messaging.handler.annotation.SendTo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request its caller gives up on (cancelled future, timeout, cancel by id) is followed by a
 * cancel record that reaches the handler in hand, or skips the request not yet started.
 */
class CancellationTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	private static Handlers handlers;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=cancellation",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("cancellation-replies"),
				"test.topic.slow=" + TestBroker.createTopic("slow", 1),
				"test.topic.single=" + TestBroker.createTopic("single", 1),
				"test.topic.early=" + TestBroker.createTopic("early", 1),
				"test.topic.growing=" + TestBroker.createTopic("growing", 1),
				"test.topic.stream=" + TestBroker.uniqueTopic("ticking"),
				"test.topic.created=" + TestBroker.uniqueTopic("created-by-first-request"),
				"test.topic.listener=" + TestBroker.uniqueTopic("listener"),
				"test.topic.unfiltered=" + TestBroker.createTopic("unfiltered", 1),
				"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.group-id=cancel-listener",
				// Partitions added to a handler's topic are seen within half a second.
				"request-reply.handler.consumer-properties.metadata.max.age.ms=500");
		template = context.getBean(RequestReplyTemplate.class);
		handlers = context.getBean(Handlers.class);
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
	void whenFutureIsCancelledThenHandlerOfTenSecondsStopsWithinASecond() throws Exception {
		Work work = handlers.expect();
		long cancelsSent = template.getCancelsSent();
		long cancelled = stats().cancelled();
		CompletableFuture<String> future = template.request(topic("slow"), "work", String.class,
				Duration.ofSeconds(30));
		CompletableFuture<Long> cancelledAt = new CompletableFuture<>();
		// The caller gives up 100 ms after sending.
		CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> {
			cancelledAt.complete(System.nanoTime());
			future.cancel(true);
		});
		long stoppedAt = work.stopped.get(10, TimeUnit.SECONDS);
		long stopMillis = TimeUnit.NANOSECONDS.toMillis(stoppedAt - cancelledAt.get());
		TestFigures.report("RELIABILITY cancel: cancel to handler stop %d ms", stopMillis);
		assertThat(work.cancelled).isTrue();
		assertThat(stopMillis).isLessThan(1_000);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(template.getCancelsSent()).isEqualTo(cancelsSent + 1);
			assertThat(stats().cancelled()).isEqualTo(cancelled + 1);
		});
	}

	@Test
	void whenTheRequesterStopsGracefullyThenTheHandlerOfItsPendingRequestIsCancelled() throws Exception {
		Work work = handlers.expect();
		ConfigurableApplicationContext requester = apps.startRequester(TestBroker.bootstrapServers(),
				"cancellation-stopping", TestBroker.uniqueTopic("stopping-replies"));
		RequestReplyTemplate stopping = requester.getBean(RequestReplyTemplate.class);
		CompletableFuture<String> future = stopping.request(topic("slow"), "work", String.class,
				Duration.ofSeconds(60));
		work.started.get(10, TimeUnit.SECONDS);
		long closedAt = System.nanoTime();
		requester.close();
		long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
		long stopMillis = TimeUnit.NANOSECONDS.toMillis(work.stopped.get(5, TimeUnit.SECONDS) - closedAt);
		TestFigures.report("RELIABILITY requester stopped with a request in hand: close %d ms, handler stopped "
				+ "%d ms after the close began", closeMillis, stopMillis);
		assertThat(work.cancelled).isTrue();
		assertThat(future).isCompletedExceptionally();
		assertThat(stopping.getCancelsSent()).isEqualTo(1);
	}

	@Test
	void whenThePartitionIsPausedThenACancelStillReachesTheHandlerThroughTheCancelReader() throws Exception {
		Work work = handlers.expect();
		CompletableFuture<String> future = template.request(topic("single"), "work", String.class,
				Duration.ofSeconds(30));
		work.started.get(10, TimeUnit.SECONDS);
		// One call at a time: the next request waits, and the partition pauses, cancel records too.
		CompletableFuture<String> next = template.request(topic("single"), "next", String.class,
				Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(ReplyHandlerContainers.class)
			.getExecution()
			.get("handlers.single")
			.queued() == 1);
		long cancelledAt = System.nanoTime();
		future.cancel(true);
		long stopMillis = TimeUnit.NANOSECONDS.toMillis(work.stopped.get(10, TimeUnit.SECONDS) - cancelledAt);
		TestFigures.report("RELIABILITY cancel, request's partition paused: cancel to handler stop %d ms "
				+ "(read by the cancel reader)", stopMillis);
		assertThat(work.cancelled).isTrue();
		assertThat(stopMillis).isLessThan(2_000);
		assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("next");
	}

	@Test
	void whenTheHandlersTopicGainsAPartitionThenACancelOnItStillReachesTheHandlerThroughTheCancelReader()
			throws Exception {
		String topic = topic("growing");
		TestBroker.get()
			.doWithAdmin((admin) -> admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2)))
				.all()
				.toCompletionStage()
				.toCompletableFuture()
				.join());
		TopicPartition added = new TopicPartition(topic, 1);
		ConcurrentMessageListenerContainer<byte[], byte[]> container = context.getBean(ReplyHandlerContainers.class)
			.getContainers()
			.stream()
			.filter((candidate) -> List.of(candidate.getContainerProperties().getTopics()).contains(topic))
			.findFirst()
			.orElseThrow();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> container.getAssignedPartitions() != null && container.getAssignedPartitions().contains(added));
		Work work = handlers.expect();
		CompletableFuture<String> future = template.request(new ProducerRecord<>(topic, 1, null, "work"), String.class,
				Duration.ofSeconds(30));
		work.started.get(10, TimeUnit.SECONDS);
		// One call at a time: the next request waits, and the new partition pauses, cancel records too.
		CompletableFuture<String> next = template.request(new ProducerRecord<>(topic, 1, null, "next"), String.class,
				Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(ReplyHandlerContainers.class)
			.getExecution()
			.get("handlers.growing")
			.queued() == 1);
		future.cancel(true);
		work.stopped.get(5, TimeUnit.SECONDS);
		assertThat(work.cancelled).isTrue();
		assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("next");
	}

	@Test
	void whenRequestTimesOutThenHandlerIsCancelled() throws Exception {
		Work work = handlers.expect();
		// Long enough for the handler to start first on a busy machine (a request whose deadline passes
		// while it waits is never started, and then there is no call to cancel).
		CompletableFuture<String> future = template.request(topic("slow"), "work", String.class,
				Duration.ofSeconds(3));
		work.started.get(3, TimeUnit.SECONDS);
		work.stopped.get(10, TimeUnit.SECONDS);
		assertThat(work.cancelled).isTrue();
		// The responder's watchdog may end the call at its deadline before the requester's timeout
		// completes the future (on a completion thread): both happen, in either order.
		assertThat(future).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(RequestTimeoutException.class);
	}

	@Test
	void whenRequestIsCancelledByIdThenHandlerIsCancelled() throws Exception {
		Work work = handlers.expect();
		template.request(topic("slow"), "work", String.class, Duration.ofSeconds(30));
		work.started.get(10, TimeUnit.SECONDS);
		PendingRequestInfo pending = template.getRegistry()
			.oldest(100)
			.stream()
			.filter((info) -> info.topic().equals(topic("slow")))
			.findFirst()
			.orElseThrow();
		assertThat(template.cancel(pending.correlationId())).isTrue();
		work.stopped.get(10, TimeUnit.SECONDS);
		assertThat(work.cancelled).isTrue();
	}

	@Test
	void whenHandlersTopicIsCreatedByTheFirstRequestThenItsCancelStillReachesTheHandler() throws Exception {
		// The topic does not exist when the handlers start: the first request creates it.
		Work work = handlers.expect();
		CompletableFuture<String> future = template.request(topic("created"), "work", String.class,
				Duration.ofSeconds(30));
		work.started.get(20, TimeUnit.SECONDS);
		future.cancel(true);
		work.stopped.get(10, TimeUnit.SECONDS);
		assertThat(work.cancelled).isTrue();
	}

	@Test
	void whenStreamSubscriptionIsCancelledThenHandlersPublisherIsCancelled() throws Exception {
		handlers.streamCancelled = new CompletableFuture<>();
		TestSubscriber<Long> subscriber = TestSubscriber.subscribe(template.requestStream(topic("stream"), "tick",
				Long.class, Duration.ofSeconds(10), Duration.ofSeconds(60)), 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.elements.size() >= 2);
		subscriber.cancel();
		assertThat(handlers.streamCancelled.get(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void whenCancelArrivesBeforeItsRequestThenRequestIsSkippedAndPartitionMovesOn() throws Exception {
		// A handler of its own: the cancels of the other tests' requests are counted by their handler's
		// loop once their calls return, which may be after those tests ended.
		long cancelled = stats("early").cancelled();
		int calls = handlers.earlyCalls.get();
		byte[] id = CorrelationId.random().toBytes();
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
			producer.send(new ProducerRecord<byte[], byte[]>(topic("early"), 0, (byte[]) null, (byte[]) null,
					WireFormat.standard().cancelHeaders(id)));
			ProducerRecord<byte[], byte[]> request = new ProducerRecord<>(topic("early"), 0, null,
					"skipped".getBytes(StandardCharsets.UTF_8));
			request.headers().add("kafka_correlationId", id);
			request.headers().add("kafka_replyTopic", template.getReplyTopic().getBytes(StandardCharsets.UTF_8));
			producer.send(request);
			producer.flush();
		}
		assertThat(template.request(topic("early"), "quick", String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo("quick");
		assertThat(handlers.earlyCalls.get()).isEqualTo(calls + 1);
		// Counted by the worker that skipped it, which may run beside the next request's.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(stats("early").cancelled()).isEqualTo(cancelled + 1));
	}

	@Test
	void whenKafkaListenerFiltersCancelRecordsThenItNeverSeesThem() throws Exception {
		Listener listener = context.getBean(Listener.class);
		// A request that times out is followed by a cancel record on the listener's topic.
		CompletableFuture<String> slow = template.request(topic("listener"), "slow", String.class,
				Duration.ofMillis(300));
		await().atMost(Duration.ofSeconds(10)).until(slow::isDone);
		await().atMost(Duration.ofSeconds(10)).until(() -> template.getCancelsSent() > 0);
		listener.release.countDown();
		assertThat(template.request(topic("listener"), "ping", String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo("PONG");
		assertThat(listener.payloads).containsExactly("slow", "ping");
	}

	@Test
	void whenKafkaListenerDoesNotFilterCancelRecordsThenItIsNotAnsweredAndThePartitionMovesOn() throws Exception {
		UnfilteredListener listener = context.getBean(UnfilteredListener.class);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
			producer.send(new ProducerRecord<byte[], byte[]>(topic("unfiltered"), 0, (byte[]) null, (byte[]) null,
					WireFormat.standard().cancelHeaders(CorrelationId.random().toBytes())));
			producer.flush();
		}
		assertThat(template.request(topic("unfiltered"), "ping", String.class).get(30, TimeUnit.SECONDS))
			.isEqualTo("PONG");
		TestFigures.report("cancel: unfiltered @KafkaListener saw %s", listener.payloads);
		assertThat(listener.payloads).endsWith("ping");
	}

	private static ReplyHandlerStats stats() {
		return stats("slow");
	}

	private static ReplyHandlerStats stats(String handler) {
		return context.getBean(ReplyHandlerContainers.class)
			.getStats()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().endsWith("." + handler))
			.findFirst()
			.orElseThrow()
			.getValue();
	}

	static final class Work {

		final CompletableFuture<Long> started = new CompletableFuture<>();

		final CompletableFuture<Long> stopped = new CompletableFuture<>();

		volatile boolean cancelled;

		volatile CompletableFuture<String> returned;

	}

	static class Handlers {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger earlyCalls = new AtomicInteger();

		private final ExecutorService executor = Executors.newCachedThreadPool();

		private volatile Work work = new Work();

		volatile CompletableFuture<Boolean> streamCancelled = new CompletableFuture<>();

		Work expect() {
			this.work = new Work();
			return this.work;
		}

		@ReplyHandler(topics = "${test.topic.slow}")
		CompletableFuture<String> slow(String request, ReplyContext call) {
			this.calls.incrementAndGet();
			if (!request.equals("work")) {
				return CompletableFuture.completedFuture(request);
			}
			Work current = this.work;
			CountDownLatch cancel = new CountDownLatch(1);
			call.onCancel(cancel::countDown);
			current.returned = CompletableFuture.supplyAsync(() -> {
				current.started.complete(System.nanoTime());
				try {
					// Ten seconds of work, unless the caller gives up.
					cancel.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				current.cancelled = call.isCancelled();
				current.stopped.complete(System.nanoTime());
				return "done";
			}, this.executor);
			return current.returned;
		}

		@ReplyHandler(topics = "${test.topic.early}")
		String early(String request) {
			this.earlyCalls.incrementAndGet();
			return request;
		}

		@ReplyHandler(topics = "${test.topic.single}", maxConcurrency = "1")
		String single(String request, ReplyContext call) throws Exception {
			return slow(request, call).get(30, TimeUnit.SECONDS);
		}

		@ReplyHandler(topics = "${test.topic.growing}", maxConcurrency = "1")
		String growing(String request, ReplyContext call) throws Exception {
			return slow(request, call).get(30, TimeUnit.SECONDS);
		}

		@ReplyHandler(topics = "${test.topic.created}")
		CompletableFuture<String> created(String request, ReplyContext call) {
			return slow(request, call);
		}

		@ReplyHandler(topics = "${test.topic.stream}")
		Flux<Long> ticks(String request) {
			return Flux.interval(Duration.ofMillis(50)).doOnCancel(() -> this.streamCancelled.complete(true));
		}

	}

	static class Listener {

		final List<String> payloads = new java.util.concurrent.CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		@KafkaListener(topics = "${test.topic.listener}", filter = "cancelRecordFilter")
		@SendTo
		String pong(String text) throws InterruptedException {
			this.payloads.add(text);
			if (text.equals("slow")) {
				this.release.await(10, TimeUnit.SECONDS);
			}
			return "PONG";
		}

	}

	static class UnfilteredListener {

		final List<String> payloads = new java.util.concurrent.CopyOnWriteArrayList<>();

		@KafkaListener(topics = "${test.topic.unfiltered}")
		@SendTo
		String pong(String text) {
			this.payloads.add(String.valueOf(text));
			return "PONG";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		UnfilteredListener unfilteredListener() {
			return new UnfilteredListener();
		}

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		Listener listener() {
			return new Listener();
		}

		@Bean
		CancelRecordFilterStrategy cancelRecordFilter() {
			return new CancelRecordFilterStrategy();
		}

	}

}
