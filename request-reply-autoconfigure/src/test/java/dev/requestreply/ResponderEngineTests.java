package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.requestreply.handler.ReplyHandlerContainerCustomizer;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.responder.LoopRecorder;
import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderEvent;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The responder engine against the broker: handlers off the consumer thread, ordering, every
 * request ending, and commits per partition. Each test reproduces a way the 0.2 responder broke.
 */
class ResponderEngineTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final String APPLICATION = "responder-engine";

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	private static Handlers handlers;

	private static TestGroupOffsets offsets;

	@BeforeAll
	static void start() {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=" + APPLICATION,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("engine-replies"),
				// Far below a handler's 3 s: a handler on the consumer thread would cost it its membership.
				"request-reply.handler.consumer-properties.max.poll.interval.ms=2000",
				// Below the poll interval, as checked at start-up.
				"request-reply.handler.revoke-grace=1s"));
		for (String topic : List.of("streams", "slow", "keyed", "serial", "never", "lazy", "unbounded", "endless",
				"limited", "mdc", "ledger")) {
			properties.add("test.topic." + topic + "=" + TestBroker.createTopic("engine-" + topic, 1));
		}
		context = apps.startAssigned(new Class<?>[] { App.class }, properties.toArray(String[]::new));
		template = context.getBean(RequestReplyTemplate.class);
		handlers = context.getBean(Handlers.class);
		offsets = apps.closing(new TestGroupOffsets());
	}

	private static String topic(String name) {
		return context.getEnvironment().getRequiredProperty("test.topic." + name);
	}

	private static String group(String name) {
		return APPLICATION + "." + topic(name);
	}

	private static ReplyHandlerStats stats(String handler) {
		return context.getBean(ReplyHandlerContainers.class).getStats().get("handlers." + handler);
	}

	private static ProducerRecord<Object, Object> keyed(String topic, String key, Object payload) {
		return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), payload);
	}

	@Test
	void whenACallerCancelsAStreamThenLaterRequestsAreStillCommittedToTheEndOfTheTopic() throws Exception {
		TestSubscriber<Integer> cancelled = TestSubscriber.subscribe(template.requestStream(topic("streams"),
				"endless", Integer.class, Duration.ofSeconds(10), Duration.ofSeconds(60)), 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> cancelled.elements.size() >= 2);
		cancelled.cancel();
		await().atMost(Duration.ofSeconds(10)).until(handlers.endlessStreamCancelled::get);
		for (int i = 0; i < 20; i++) {
			List<Integer> elements = TestSubscriber.subscribe(template.requestStream(topic("streams"), "short",
					Integer.class, Duration.ofSeconds(10), Duration.ofSeconds(30)), 10).done.get(30, TimeUnit.SECONDS);
			assertThat(elements).containsExactly(1, 2, 3);
		}
		// The cancelled stream, its cancel record and the 20 others: all committed.
		offsets.awaitCommittedToEnd(group("streams"), topic("streams"), Duration.ofSeconds(10));
		assertThat(stats("streams").cancelled()).isOne();
	}

	@Test
	void whenASynchronousHandlerOutlastsMaxPollIntervalThenItRunsOncePerRequest() throws Exception {
		List<CompletableFuture<String>> replies = List.of(
				template.request(topic("slow"), "a", String.class, Duration.ofSeconds(30)),
				template.request(topic("slow"), "b", String.class, Duration.ofSeconds(30)));
		for (CompletableFuture<String> reply : replies) {
			assertThat(reply.get(30, TimeUnit.SECONDS)).startsWith("slept:");
		}
		offsets.awaitCommittedToEnd(group("slow"), topic("slow"), Duration.ofSeconds(10));
		assertThat(handlers.slowRuns).hasValue(2);
	}

	@Test
	void whenFiftySlowRequestsOfOnePartitionHaveDifferentKeysThenTheyRunAtOnce() throws Exception {
		long start = System.nanoTime();
		List<CompletableFuture<String>> replies = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			replies.add(template.request(keyed(topic("keyed"), "key-" + i, 200), String.class, Duration.ofSeconds(30)));
		}
		CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		TestFigures.report("ENGINE 50 requests of 200 ms, one partition, different keys: %d ms (serial: 10000 ms), "
				+ "at most %d at once", took.toMillis(), handlers.keyedMaxAtOnce.get());
		assertThat(took).isLessThan(Duration.ofSeconds(3));
		assertThat(handlers.keyedMaxAtOnce.get()).isGreaterThan(25);
	}

	@Test
	void whenRequestsShareAKeyThenTheyRunOneAtATimeInOffsetOrderBesideOtherKeys() throws Exception {
		handlers.sameKeyOrder.clear();
		List<CompletableFuture<String>> replies = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			replies.add(template.request(keyed(topic("keyed"), "same", 20), String.class, Duration.ofSeconds(30)));
			replies.add(template.request(keyed(topic("keyed"), "other-" + i, 20), String.class, Duration.ofSeconds(30)));
		}
		CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(handlers.sameKeyOrder).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
		assertThat(handlers.sameKeyMaxAtOnce).hasValue(1);
	}

	@Test
	void whenOrderingIsPartitionThenRequestsRunOneAtATimeInOffsetOrder() throws Exception {
		List<CompletableFuture<Integer>> replies = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			replies.add(template.request(topic("serial"), i, Integer.class, Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 10; i++) {
			assertThat(replies.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i);
		}
		assertThat(handlers.serialOrder).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
		assertThat(handlers.serialMaxAtOnce).hasValue(1);
	}

	@Test
	void whenAFutureNeverCompletesThenItIsEndedAtItsDeadlineAndThePartitionMovesOn() throws Exception {
		// Sent as any client would: a deadline, and no cancel record when the caller gives up.
		try (TestRawRequests raw = new TestRawRequests(TestBroker.createTopic("engine-never-replies", 1))) {
			raw.send(topic("never"), "never", System.currentTimeMillis() + 1_000);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> !handlers.neverCompleting.isEmpty()
				&& handlers.neverCompleting.peek().isCancelled());
		assertThat(template.request(topic("never"), "now", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("now");
		offsets.awaitCommittedToEnd(group("never"), topic("never"), Duration.ofSeconds(10));
		assertThat(stats("never").expired()).isOne();
	}

	@Test
	void whenALazyStreamThrowsThenTheRequestGetsAnErrorReply() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic("lazy"), "x", String.class).get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.withMessageContaining("lazy failure on x");
		assertThat(stats("lazy").failed()).isOne();
	}

	@Test
	void whenARequestWithoutDeadlineOutlastsTheMaxHandlingTimeThenItGetsDeadlineExceeded() throws Exception {
		ReplyHandlerContainers containers = context.getBean(ReplyHandlerContainers.class);
		List<ResponderEvent> events = LoopRecorder.record(containers, "handlers.unbounded");
		try (TestRawRequests raw = new TestRawRequests(TestBroker.createTopic("engine-raw-replies", 1))) {
			CorrelationId id = raw.send(topic("unbounded"), "forever", null);
			long start = System.nanoTime();
			RemoteHandlerException failure = raw.awaitFailure(id);
			TestFigures.report("ENGINE request without deadline ended after %d ms (max-handling-time 1 s)",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			assertThat(failure.getErrorCode()).isEqualTo(ReplyErrorCodes.DEADLINE_EXCEEDED);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> handlers.unboundedCancelled.get());
		assertThat(stats("unbounded").expired()).isOne();
		offsets.awaitCommittedToEnd(group("unbounded"), topic("unbounded"), Duration.ofSeconds(10));
		// What its loop took (arrived, started, returned, max handling time, sent) keeps every
		// invariant of the simulation.
		assertThat(LoopRecorder.replay(containers, "handlers.unbounded", events)).isGreaterThanOrEqualTo(5);
		assertThat(events).hasAtLeastOneElementOfType(ResponderEvent.MaxHandlingTime.class);
	}

	@Test
	void whenAnEndlessPublisherAnswersForOneReplyThenItIsCutAtTheDeadline() throws Exception {
		CompletableFuture<String> endless = template.request(topic("endless"), "x", String.class,
				Duration.ofSeconds(1));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> endless.get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestTimeoutException.class);
		await().atMost(Duration.ofSeconds(5)).until(handlers.endlessSingleCancelled::get);
		offsets.awaitCommittedToEnd(group("endless"), topic("endless"), Duration.ofSeconds(10));
	}

	@Test
	void whenARequestFinishesAboveOneStillRunningThenTheGroupHoldsTheCommitItsCoreDecidedWithTheMetadata()
			throws Exception {
		ReplyHandlerContainers containers = context.getBean(ReplyHandlerContainers.class);
		List<ResponderEvent> events = LoopRecorder.record(containers, "handlers.ledger");
		TopicPartition partition = new TopicPartition(topic("ledger"), 0);
		handlers.ledgerGate.hold();
		CompletableFuture<String> held = template.request(topic("ledger"), "held", String.class, Duration.ofSeconds(30));
		handlers.ledgerGate.awaitWaiting(1);
		assertThat(template.request(topic("ledger"), "quick", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("quick");
		// Offset 1 finished above 0, whose method has run for a second: named as started.
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			OffsetAndMetadata committed = offsets.committed(group("ledger")).get(partition);
			return committed != null && committed.metadata().startsWith(CommitMetadata.STARTED_PREFIX);
		});
		OffsetAndMetadata committed = offsets.committed(group("ledger")).get(partition);
		try {
			assertThat(committed).isEqualTo(LoopRecorder.decided(containers, "handlers.ledger", events).get(partition));
			assertThat(committed.offset()).isZero();
			assertThat(CommitMetadata.decode(0, committed.metadata()).contains(1)).isTrue();
			assertThat(CommitMetadata.decodeStarted(0, committed.metadata()).offsets()).containsExactly(0L);
		}
		finally {
			handlers.ledgerGate.release();
		}
		assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("held");
		offsets.awaitCommittedToEnd(group("ledger"), topic("ledger"), Duration.ofSeconds(10));
		assertThat(LoopRecorder.replay(containers, "handlers.ledger", events)).isGreaterThanOrEqualTo(8);
	}

	@Test
	void whenFinishedOffsetsOutgrowTheCommitMetadataThenItsCorePausesThePartitionUntilTheyFitAgain() throws Exception {
		String topic = TestBroker.createTopic("engine-narrow", 1);
		ConfigurableApplicationContext narrow = apps.startAssigned(new Class<?>[] { NarrowApp.class },
				"spring.application.name=" + APPLICATION + "-narrow",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("engine-narrow-replies"),
				// "rr1:" and one run of unfinished and finished offsets, not two.
				"request-reply.handler.offset-metadata-max-bytes=8", "test.topic.narrow=" + topic);
		ReplyHandlerContainers containers = narrow.getBean(ReplyHandlerContainers.class);
		RequestReplyTemplate requester = narrow.getBean(RequestReplyTemplate.class);
		TestGate gate = narrow.getBean(NarrowHandlers.class).gate;
		List<ResponderEvent> events = LoopRecorder.record(containers, "narrowHandlers.narrow");
		Partition partition = new Partition(topic, 0);
		gate.hold();
		List<CompletableFuture<String>> held = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				held.add(requester.request(topic, "held", String.class, Duration.ofSeconds(30)));
				gate.awaitWaiting(i + 1);
				assertThat(requester.request(topic, "quick", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("quick");
			}
			// 0 and 2 run, 1 and 3 finished: two runs, the metadata holds one.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> LoopRecorder.actions(containers, "narrowHandlers.narrow", events)
					.contains(new ResponderAction.Pause(partition)));
		}
		finally {
			gate.release();
		}
		for (CompletableFuture<String> reply : held) {
			assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("held");
		}
		assertThat(requester.request(topic, "after", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("after");
		assertThat(LoopRecorder.actions(containers, "narrowHandlers.narrow", events))
			.containsSubsequence(new ResponderAction.Pause(partition), new ResponderAction.Resume(partition));
	}

	@Test
	void whenTheHandlerIsAtItsConcurrencyLimitThenRequestsWaitAndItsPartitionPauses() throws Exception {
		handlers.limitedGate.hold();
		List<CompletableFuture<String>> replies = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			replies.add(template.request(topic("limited"), "l" + i, String.class, Duration.ofSeconds(60)));
		}
		handlers.limitedGate.awaitWaiting(2);
		ReplyHandlerExecution execution = execution("limited");
		await().atMost(Duration.ofSeconds(10)).until(() -> execution("limited").queued() >= 2);
		// At the limit: two run, the rest wait, and the consumer takes at most a poll more.
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
			.until(() -> handlers.limitedGate.waiting() == 2);
		ReplyHandlerExecution paused = execution("limited");
		TestFigures.report("ENGINE max-concurrency 2, 200 requests: %d running, %d queued, %d in hand while paused",
				paused.active(), paused.queued(), paused.inHand());
		assertThat(paused.maxConcurrency()).isEqualTo(2);
		assertThat(paused.active()).isEqualTo(2);
		assertThat(paused.lowestUnfinished()).containsKey(topic("limited") + "-0");
		// Paused: what comes now stays in the topic (how many the polls before the pause took
		// depends on how the 200 were batched: from a few to all of them).
		for (int i = 0; i < 50; i++) {
			replies.add(template.request(topic("limited"), "m" + i, String.class, Duration.ofSeconds(60)));
		}
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
			.until(() -> execution("limited").inHand() == paused.inHand());
		handlers.limitedGate.release();
		CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		assertThat(execution("limited").started()).isGreaterThanOrEqualTo(250);
		assertThat(execution.maxConcurrency()).isEqualTo(2);
	}

	@Test
	void whenAContainerCustomizerAddsAnInterceptorThenTheHandlerRunsWithTheConsumersMdcAndCommitsGoOn()
			throws Exception {
		assertThat(template.request(topic("mdc"), "who", String.class).get(10, TimeUnit.SECONDS))
			.isEqualTo("tenant-from-consumer-thread");
		offsets.awaitCommittedToEnd(group("mdc"), topic("mdc"), Duration.ofSeconds(10));
	}

	private static ReplyHandlerExecution execution(String handler) {
		return context.getBean(ReplyHandlerContainers.class).getExecution().get("handlers." + handler);
	}

	static class Handlers {

		final AtomicBoolean endlessStreamCancelled = new AtomicBoolean();

		final AtomicInteger slowRuns = new AtomicInteger();

		final AtomicInteger keyedAtOnce = new AtomicInteger();

		final AtomicInteger keyedMaxAtOnce = new AtomicInteger();

		final Queue<Integer> sameKeyOrder = new ConcurrentLinkedQueue<>();

		final AtomicInteger sameKeyAtOnce = new AtomicInteger();

		final AtomicInteger sameKeyMaxAtOnce = new AtomicInteger();

		private final Map<String, AtomicInteger> sameKeySeen = new ConcurrentHashMap<>();

		final Queue<Integer> serialOrder = new ConcurrentLinkedQueue<>();

		final AtomicInteger serialAtOnce = new AtomicInteger();

		final AtomicInteger serialMaxAtOnce = new AtomicInteger();

		final Queue<CompletableFuture<String>> neverCompleting = new ConcurrentLinkedQueue<>();

		final AtomicBoolean unboundedCancelled = new AtomicBoolean();

		final AtomicBoolean endlessSingleCancelled = new AtomicBoolean();

		final TestGate limitedGate = new TestGate();

		@ReplyHandler(topics = "${test.topic.streams}")
		Flux<Integer> streams(String request) {
			if (request.equals("endless")) {
				return Flux.interval(Duration.ofMillis(20))
					.map(Long::intValue)
					.doOnCancel(() -> this.endlessStreamCancelled.set(true));
			}
			return Flux.just(1, 2, 3);
		}

		@ReplyHandler(topics = "${test.topic.slow}")
		String slow(String request) throws InterruptedException {
			this.slowRuns.incrementAndGet();
			Thread.sleep(3_000);
			return "slept:" + request;
		}

		@ReplyHandler(topics = "${test.topic.keyed}")
		String keyed(int millis, ReplyContext context) throws InterruptedException {
			String key = new String(context.key(), StandardCharsets.UTF_8);
			boolean same = key.equals("same");
			AtomicInteger atOnce = same ? this.sameKeyAtOnce : this.keyedAtOnce;
			(same ? this.sameKeyMaxAtOnce : this.keyedMaxAtOnce).accumulateAndGet(atOnce.incrementAndGet(), Math::max);
			if (same) {
				this.sameKeyOrder.add(this.sameKeySeen.computeIfAbsent(key, (k) -> new AtomicInteger())
					.getAndIncrement());
			}
			try {
				Thread.sleep(millis);
				return key;
			}
			finally {
				atOnce.decrementAndGet();
			}
		}

		@ReplyHandler(topics = "${test.topic.serial}", ordering = ReplyHandler.Ordering.PARTITION)
		int serial(int index) throws InterruptedException {
			this.serialMaxAtOnce.accumulateAndGet(this.serialAtOnce.incrementAndGet(), Math::max);
			this.serialOrder.add(index);
			try {
				Thread.sleep(20);
				return index;
			}
			finally {
				this.serialAtOnce.decrementAndGet();
			}
		}

		@ReplyHandler(topics = "${test.topic.never}")
		CompletableFuture<String> never(String request) {
			if (!request.equals("never")) {
				return CompletableFuture.completedFuture(request);
			}
			CompletableFuture<String> result = new CompletableFuture<>();
			this.neverCompleting.add(result);
			return result;
		}

		@ReplyHandler(topics = "${test.topic.lazy}")
		Stream<String> lazy(String request) {
			return Stream.of(request).map((element) -> {
				throw new IllegalStateException("lazy failure on " + element);
			});
		}

		@ReplyHandler(topics = "${test.topic.unbounded}", maxHandlingTime = "1s")
		CompletableFuture<String> unbounded(String request, ReplyContext context) {
			context.onCancel(() -> this.unboundedCancelled.set(true));
			return new CompletableFuture<>();
		}

		@ReplyHandler(topics = "${test.topic.endless}")
		Flux<Long> endless(String request) {
			return Flux.interval(Duration.ofMillis(10)).doOnCancel(() -> this.endlessSingleCancelled.set(true));
		}

		@ReplyHandler(topics = "${test.topic.mdc}")
		String mdc(String request) {
			return MDC.get("tenant");
		}

		final TestGate ledgerGate = new TestGate();

		@ReplyHandler(topics = "${test.topic.ledger}")
		String ledger(String request) throws InterruptedException {
			if (request.equals("held")) {
				this.ledgerGate.pass();
			}
			return request;
		}

		@ReplyHandler(topics = "${test.topic.limited}", maxConcurrency = "2")
		String limited(String request) throws InterruptedException {
			this.limitedGate.pass();
			return request;
		}

	}

	static class NarrowHandlers {

		final TestGate gate = new TestGate();

		@ReplyHandler(topics = "${test.topic.narrow}", ordering = ReplyHandler.Ordering.NONE)
		String narrow(String request) throws InterruptedException {
			if (request.equals("held")) {
				this.gate.pass();
			}
			return request;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class NarrowApp {

		@Bean
		NarrowHandlers narrowHandlers() {
			return new NarrowHandlers();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		ReplyHandlerContainerCustomizer tenantInterceptor() {
			return (container, endpoint) -> {
				if (endpoint.id().equals("handlers.mdc")) {
					container.setBatchInterceptor((records, consumer) -> {
						MDC.put("tenant", "tenant-from-consumer-thread");
						return records;
					});
				}
			};
		}

	}

}
