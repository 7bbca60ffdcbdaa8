package dev.requestreply.responder;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import dev.requestreply.CorrelationId;
import dev.requestreply.ReplyHandler;
import dev.requestreply.handler.HandlerCallContext;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the engine ends a request that does not end with its reply (its deadline, a cancel
 * record, the max handling time): the call sees why before it is interrupted, a request ended
 * before its turn never runs, and what the engine tells (outcome listeners, the log) holds up
 * none of its own threads.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestEndingsTests {

	private static final long NO_DEADLINE = RequestHeaders.NO_DEADLINE;

	private final GatedCalls calls = new GatedCalls();

	private final ExecutorService watchdog = Executors.newSingleThreadExecutor((task) -> new Thread(task, "watchdog"));

	// The urgent work of the handler's threads, run when the test says.
	private final List<Runnable> urgent = new CopyOnWriteArrayList<>();

	private final List<ProducerRecord<byte[], byte[]>> replies = new CopyOnWriteArrayList<>();

	private TestEngine engine;

	@AfterEach
	void stop() {
		if (this.engine != null) {
			this.engine.close();
		}
		this.watchdog.shutdownNow();
		Thread.interrupted();
	}

	@Test
	void whenARequestEndsAtItsDeadlineThenItsCallSeesItCancelledAndItsOnCancelActionsRunBeforeTheInterrupt() {
		assertCancelledBeforeInterrupt(System.currentTimeMillis() - 1, RequestEndings::expired);
	}

	@Test
	void whenARequestIsCancelledThenItsCallSeesItCancelledAndItsOnCancelActionsRunBeforeTheInterrupt() {
		assertCancelledBeforeInterrupt(NO_DEADLINE, RequestEndings::cancelled);
	}

	@Test
	void whenARequestReachesTheMaxHandlingTimeThenItsCallSeesItCancelledAndItsOnCancelActionsRunBeforeTheInterrupt() {
		assertCancelledBeforeInterrupt(NO_DEADLINE, RequestEndings::exceeded);
		assertThat(this.replies).singleElement()
			.satisfies((reply) -> assertThat(ErrorHeaders.errorCode(reply.headers())).isEqualTo("DEADLINE_EXCEEDED"));
	}

	@Test
	void whenRequestsReachTheMaxHandlingTimeThenOneInfoLineNamesTheHandlerAndTheProperty(CapturedOutput output) {
		RequestEndings endings = endings();
		for (int i = 0; i < 3; i++) {
			InHandRequest request = request(NO_DEADLINE);
			endings.exceeded(request);
		}
		runUrgentWork(() -> {
		});
		assertThat(this.replies).hasSize(3);
		assertThat(output.getOut().lines().filter((line) -> line.contains(" INFO ")
				&& line.contains("request-reply.handler.max-handling-time"))).singleElement()
			.satisfies((line) -> assertThat(line).contains("handlers.work").contains("DEADLINE_EXCEEDED"));
	}

	@Test
	void whenARequestEndsWhileItsThreadPreparesTheCallThenItsMethodNeverStarts() {
		RequestEndings endings = endings();
		InHandRequest expired = request(System.currentTimeMillis() - 1);
		assertThat(expired.take()).isTrue();
		endings.expired(expired);
		InHandRequest exceeded = request(NO_DEADLINE);
		assertThat(exceeded.take()).isTrue();
		endings.exceeded(exceeded);
		runUrgentWork(() -> {
		});
		assertThat(expired.enterMethod()).as("method entered after its deadline").isFalse();
		assertThat(exceeded.enterMethod()).as("method entered after its max handling time").isFalse();
		assertThat(expired.methodRunning() || exceeded.methodRunning()).isFalse();
	}

	@Test
	void whenARequestWaitingForAThreadReachesTheMaxHandlingTimeThenItsMethodNeverRuns() {
		this.engine = TestEngine.serve(this.calls, "work", ReplyHandler.Ordering.NONE, 1, Duration.ofMinutes(1),
				List.of(), false);
		this.engine.deliver(this.engine.request(0, "k1", "a", NO_DEADLINE),
				this.engine.request(0, "k2", "b", NO_DEADLINE));
		TestEngine.waiting().until(() -> this.calls.started("a"));
		this.engine.watchAfter(Duration.ofMinutes(2));
		// a is interrupted; its thread then takes b, whose DEADLINE_EXCEEDED is on its way.
		TestEngine.waiting().until(() -> this.calls.started("b") || (this.engine.producer.history().size() == 2
				&& this.engine.execution().started() == 2 && this.engine.execution().active() == 0));
		assertThat(this.calls.log).containsExactly("start a", "end a");
		assertThat(this.engine.producer.history()).hasSize(2)
			.allSatisfy((reply) -> assertThat(ErrorHeaders.errorCode(reply.headers())).isEqualTo("DEADLINE_EXCEEDED"));
		while (this.engine.producer.completeNext()) {
			// Both replies sent: both requests end.
		}
		TestEngine.waiting().until(() -> this.engine.inHand() == 0);
	}

	@Test
	void whenAnOutcomeListenerBlocksThenTheWatchdogStillEndsRequestsAtTheirDeadlineAndTheListenerHearsOfEach()
			throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<String> heard = new CopyOnWriteArrayList<>();
		ReplyHandlerOutcomeListener blocking = (endpoint, topic, outcome, durationNanos) -> {
			heard.add(outcome + " on " + Thread.currentThread().getName());
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		this.engine = TestEngine.serve(this.calls, "work", ReplyHandler.Ordering.NONE, 64, Duration.ofMinutes(5),
				List.of(blocking), true);
		long deadline = System.currentTimeMillis() + 5_000;
		this.engine.deliver(this.engine.request(0, "k1", "a", deadline), this.engine.request(0, "k2", "b", deadline));
		TestEngine.waiting().until(() -> {
			// The watchdog's tick: a blocks, so b gets a thread of its own.
			this.engine.watchAfter(Duration.ZERO);
			return this.calls.started("a") && this.calls.started("b");
		});
		// The watchdog's check once their deadline passed, bounded: no listener holds it up.
		CompletableFuture.runAsync(() -> this.engine.watchAfter(Duration.ofSeconds(6)), this.watchdog)
			.get(2, TimeUnit.SECONDS);
		TestEngine.waiting().until(() -> this.calls.log.size() == 4);
		assertThat(this.calls.cancelledWhenInterrupted).containsOnlyKeys("a", "b").doesNotContainValue(false);
		release.countDown();
		TestEngine.waiting().until(() -> heard.size() == 2);
		assertThat(heard).allSatisfy((call) -> assertThat(call).startsWith("EXPIRED on request-reply-outcomes"));
	}

	/**
	 * End a request whose method runs on this thread, and check what it saw when interrupted.
	 */
	private void assertCancelledBeforeInterrupt(long deadline, EndingOf end) {
		RequestEndings endings = endings();
		InHandRequest request = request(deadline);
		assertThat(request.take()).isTrue();
		HandlerCallContext context = new HandlerCallContext(request.record, request.headers);
		request.context = context;
		List<String> events = new CopyOnWriteArrayList<>();
		context.onCancel(() -> events.add("onCancel"));
		request.enterMethod();
		List<String> atInterrupt = new ArrayList<>();
		Runnable observe = () -> {
			if (atInterrupt.isEmpty() && Thread.currentThread().isInterrupted()) {
				atInterrupt.add("cancelled=" + context.isCancelled() + ", actions=" + events);
			}
		};
		end.end(endings, request);
		observe.run();
		runUrgentWork(observe);
		assertThat(Thread.interrupted()).as("the method's thread was interrupted").isTrue();
		assertThat(atInterrupt).containsExactly("cancelled=true, actions=[onCancel]");
	}

	private void runUrgentWork(Runnable afterEach) {
		while (!this.urgent.isEmpty()) {
			this.urgent.remove(0).run();
			afterEach.run();
		}
	}

	private RequestEndings endings() {
		ReplyHandlerStats stats = new ReplyHandlerStats();
		RequestLanes lanes = new RequestLanes(ReplyHandler.Ordering.NONE, (request) -> {
		});
		RequestsInHand requests = new RequestsInHand(lanes, (request) -> {
		}, (owner) -> {
		});
		HandlerExecutor executor = new HandlerExecutor(4, this.urgent::add, this.urgent::add, (request) -> {
		}, () -> {
		}, false);
		ReplySender sender = new ReplySender((request, reply, last) -> {
			this.replies.add(reply);
			return CompletableFuture.completedFuture(null);
		}, "responder-app", stats, "handlers.work", null, new ReplySizeLimit(Integer.MAX_VALUE));
		return new RequestEndings("handlers.work", requests, new HandlerFigures(endpoint(), stats,
				new OutcomeListeners()), executor, sender, Duration.ofMinutes(5), null);
	}

	private InHandRequest request(long deadline) {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(TestEngine.REQUESTS, 0, 0,
				"k".getBytes(StandardCharsets.UTF_8), "a".getBytes(StandardCharsets.UTF_8));
		RequestHeaders headers = new RequestHeaders(CorrelationId.random().toBytes(), TestEngine.REPLIES, null, deadline,
				"requester-1".getBytes(StandardCharsets.UTF_8), false);
		return new InHandRequest(record, (ended, finished) -> {
		}, 1, false, headers, null, 0);
	}

	private ReplyHandlerEndpoint endpoint() {
		Method method = ReflectionUtils.findMethod(GatedCalls.class, "work", (Class<?>[]) null);
		return new ReplyHandlerEndpoint("handlers", this.calls, method, List.of(TestEngine.REQUESTS), null, null,
				String.class);
	}

	@FunctionalInterface
	private interface EndingOf {

		void end(RequestEndings endings, InHandRequest request);

	}

}
