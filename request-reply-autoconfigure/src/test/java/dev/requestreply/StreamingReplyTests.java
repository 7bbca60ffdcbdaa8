package dev.requestreply;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Streaming replies: a handler returns many elements, the requester receives them in order.
 */
class StreamingReplyTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=streaming",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("streaming-replies"),
				"test.topic.count=" + TestBroker.uniqueTopic("count"),
				"test.topic.letters=" + TestBroker.uniqueTopic("letters"),
				"test.topic.broken=" + TestBroker.uniqueTopic("broken"),
				"test.topic.stalling=" + TestBroker.uniqueTopic("stalling"),
				"test.topic.endless=" + TestBroker.uniqueTopic("endless"));
		template = context.getBean(RequestReplyTemplate.class);
	}

	private static String topic(String name) {
		return context.getEnvironment().getRequiredProperty("test.topic." + name);
	}

	@Test
	void whenHandlerReturnsStreamThenElementsArriveInOrderAndStreamEnds() throws Exception {
		Flow.Publisher<Integer> publisher = template.requestStream(topic("count"), 50, Integer.class,
				Duration.ofSeconds(10), Duration.ofSeconds(30));
		List<Integer> elements = TestSubscriber.subscribe(publisher, 7).done.get(30, TimeUnit.SECONDS);
		assertThat(elements).containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
		assertThat(template.getRegistry().pendingCount()).isZero();
	}

	@Test
	void whenHandlerReturnsEmptyStreamThenOnlyTheEndMarkerArrives() throws Exception {
		Flow.Publisher<Integer> publisher = template.requestStream(topic("count"), 0, Integer.class,
				Duration.ofSeconds(10), Duration.ofSeconds(30));
		assertThat(TestSubscriber.subscribe(publisher, 1).done.get(30, TimeUnit.SECONDS)).isEmpty();
	}

	@Test
	void whenHandlerReturnsPublisherThenElementsArrive() throws Exception {
		Flow.Publisher<String> publisher = template.requestStream(topic("letters"), "abc", String.class,
				Duration.ofSeconds(10), Duration.ofSeconds(30));
		assertThat(TestSubscriber.subscribe(publisher, 100).done.get(30, TimeUnit.SECONDS)).containsExactly("a", "b",
				"c");
	}

	@Test
	void whenStreamFailsMidwayThenElementsBeforeTheErrorArriveThenTheError() {
		TestSubscriber<Integer> subscriber = TestSubscriber.subscribe(template.requestStream(topic("broken"), 3,
				Integer.class, Duration.ofSeconds(10), Duration.ofSeconds(30)), 10);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> subscriber.done.get(30, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.withMessageContaining("element 3 is broken");
		assertThat(subscriber.elements).containsExactly(0, 1, 2);
	}

	@Test
	void whenNoElementWithinIdleTimeoutThenStreamFailsWithTimeout() {
		Stalling stalling = context.getBean(Stalling.class);
		stalling.gate.hold();
		try {
			TestSubscriber<String> subscriber = TestSubscriber.subscribe(template.requestStream(topic("stalling"), "x",
					String.class, Duration.ofMillis(500), Duration.ofSeconds(30)), 10);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> subscriber.done.get(30, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestTimeoutException.class);
			assertThat(subscriber.elements).containsExactly("first");
		}
		finally {
			stalling.gate.release();
		}
	}

	@Test
	void whenPlainRequestMeetsStreamingHandlerThenOneJsonArrayReplies() throws Exception {
		List<?> reply = template.request(topic("count"), 3, List.class).get(30, TimeUnit.SECONDS);
		assertThat(reply).asInstanceOf(InstanceOfAssertFactories.LIST).containsExactly(0, 1, 2);
	}

	@Test
	void whenSubscriberCancelsThenRequestIsForgotten() throws Exception {
		Stalling stalling = context.getBean(Stalling.class);
		stalling.gate.hold();
		try {
			TestSubscriber<String> subscriber = TestSubscriber.subscribe(template.requestStream(topic("stalling"), "y",
					String.class, Duration.ofSeconds(30), Duration.ofSeconds(30)), 10);
			await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.elements.size() == 1);
			long cancelled = template.getRegistry().cancelledCount();
			subscriber.cancel();
			assertThat(template.getRegistry().cancelledCount()).isEqualTo(cancelled + 1);
		}
		finally {
			stalling.gate.release();
		}
	}

	@Test
	void whenAStreamWithoutDeadlineReachesItsMaxHandlingTimeThenItEndsWithDeadlineExceededAndItsCancelRunsOffTheHandlersLoop()
			throws Exception {
		Endless endless = context.getBean(Endless.class);
		try (TestRawRequests raw = new TestRawRequests(TestBroker.createTopic("streaming-raw-replies", 1))) {
			CorrelationId id = raw.send(topic("endless"), "x", null, true);
			RemoteHandlerException failure = raw.awaitFailureAmongReplies(id, Duration.ofSeconds(20));
			assertThat(failure.getErrorCode()).isEqualTo(ReplyErrorCodes.DEADLINE_EXCEEDED);
		}
		// Cancelled twice: by the request's cancel actions, and by the end of its stream.
		await().atMost(Duration.ofSeconds(10)).until(() -> endless.cancelledOn.size() >= 2);
		// The publisher's cancel is user code: never on the engine's own threads.
		assertThat(endless.cancelledOn).allSatisfy((thread) -> assertThat(thread)
			.startsWith("request-reply-endless.endless-")
			.doesNotContain("-loop-")
			.doesNotContain("-send-"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Streams streams() {
			return new Streams();
		}

		@Bean
		Stalling stalling() {
			return new Stalling();
		}

		@Bean
		Endless endless() {
			return new Endless();
		}

	}

	static class Streams {

		@ReplyHandler(topics = "${test.topic.count}")
		Stream<Integer> count(int count) {
			return IntStream.range(0, count).boxed();
		}

		@ReplyHandler(topics = "${test.topic.letters}")
		Flow.Publisher<String> letters(String text) {
			List<String> letters = text.chars().mapToObj((c) -> String.valueOf((char) c)).toList();
			return (subscriber) -> subscriber.onSubscribe(new Flow.Subscription() {

				private final Iterator<String> remaining = letters.iterator();

				private boolean done;

				@Override
				public void request(long n) {
					for (long i = 0; i < n && this.remaining.hasNext(); i++) {
						subscriber.onNext(this.remaining.next());
					}
					if (!this.remaining.hasNext() && !this.done) {
						this.done = true;
						subscriber.onComplete();
					}
				}

				@Override
				public void cancel() {
					this.done = true;
				}

			});
		}

		@ReplyHandler(topics = "${test.topic.broken}")
		Iterable<Integer> broken(int good) {
			return () -> IntStream.rangeClosed(0, good).boxed().map((i) -> {
				if (i == good) {
					throw new IllegalStateException("element " + i + " is broken");
				}
				return i;
			}).iterator();
		}

	}

	static class Stalling {

		final TestGate gate = new TestGate();

		@ReplyHandler(topics = "${test.topic.stalling}")
		Stream<String> stalling(String text) {
			return Stream.of("first", "second").peek((element) -> {
				if (element.equals("second")) {
					try {
						this.gate.pass();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			});
		}

	}

	static class Endless {

		// The threads its publisher's subscription was cancelled on.
		final Queue<String> cancelledOn = new ConcurrentLinkedQueue<>();

		@ReplyHandler(topics = "${test.topic.endless}", maxHandlingTime = "1s")
		Flow.Publisher<Long> endless(String request) {
			Flow.Publisher<Long> ticks = JdkFlowAdapter.publisherToFlowPublisher(Flux.interval(Duration.ofMillis(20)));
			return (subscriber) -> ticks.subscribe(new Flow.Subscriber<Long>() {

				@Override
				public void onSubscribe(Flow.Subscription subscription) {
					subscriber.onSubscribe(new Flow.Subscription() {

						@Override
						public void request(long n) {
							subscription.request(n);
						}

						@Override
						public void cancel() {
							Endless.this.cancelledOn.add(Thread.currentThread().getName());
							subscription.cancel();
						}

					});
				}

				@Override
				public void onNext(Long item) {
					subscriber.onNext(item);
				}

				@Override
				public void onError(Throwable failure) {
					subscriber.onError(failure);
				}

				@Override
				public void onComplete() {
					subscriber.onComplete();
				}

			});
		}

	}

}
