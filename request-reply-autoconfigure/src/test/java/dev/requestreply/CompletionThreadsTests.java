package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.actuate.RequestReplyEndpoint;
import dev.requestreply.actuate.RequestReplyHealthIndicator;
import dev.requestreply.observation.CompletionThreadsMeterBinder;
import dev.requestreply.requester.CompletionThreadsView;
import dev.requestreply.requester.RequesterSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Callers' callbacks run on the completion threads, never on the timing wheel's or the reply
 * readers': one that blocks holds up neither the other requests' timeouts nor their replies.
 */
class CompletionThreadsTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	// Far more than any request here takes: a callback held this long would fail every test.
	private static final long HELD_SECONDS = 20;

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	// What a request may end later than its timeout here, on a loaded 2-core machine: the bug
	// this guards against left such a request unended for as long as the callback was held.
	private static final long LATE_BOUND_MILLIS = 1_500;

	private static RequestReplyTemplate template;

	private static Echo echo;

	private static String echoTopic;

	private static String nobodyTopic;

	@BeforeAll
	static void start() {
		echoTopic = TestBroker.createTopic("completion-echo", 1);
		nobodyTopic = TestBroker.createTopic("completion-nobody", 1);
		ConfigurableApplicationContext context = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"spring.application.name=completion", "test.topic=" + echoTopic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("completion-replies"));
		template = context.getBean(RequestReplyTemplate.class);
		echo = context.getBean(Echo.class);
	}

	@Test
	void whenAFallbackBlocksOnAnotherRequestThenOtherRequestsTimeOutOnTime() throws Exception {
		// The same scenario without the blocked callback, for comparison.
		List<Long> freeMillis = timeOutSeveral(5);
		// The usual fallback: on a timeout, ask again and wait. It blocks the thread the timeout
		// completed on until the second request ends, which only a timeout can end here.
		CompletableFuture<String> fallback = template.request(nobodyTopic, "first", String.class, Duration.ofMillis(100))
			.exceptionally((ex) -> template.requestAndWait(nobodyTopic, "fallback", String.class, Duration.ofSeconds(3)));
		List<Long> lateMillis = timeOutSeveral(5);
		TestFigures.report("COMPLETION a fallback blocked on a 3 s request: 5 other %d ms timeouts ended %s ms late"
				+ " (%s ms without it)", TIMEOUT.toMillis(), lateMillis, freeMillis);
		assertThat(lateMillis).allSatisfy((late) -> assertThat(late).isLessThan(LATE_BOUND_MILLIS));
		// The fallback's own request timed out too, although its waiter holds a completion thread.
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> fallback.get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestTimeoutException.class)
			.withMessageContaining("3000 ms");
	}

	@Test
	void whenMoreCallbacksBlockThanThereAreCompletionThreadsThenTimeoutsStillFire() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<CompletableFuture<Void>> held = new ArrayList<>();
		int blocked = Runtime.getRuntime().availableProcessors() * 2 + 2;
		try {
			for (int i = 0; i < blocked; i++) {
				held.add(template.request(nobodyTopic, "held", String.class, Duration.ofMillis(100))
					.handle((value, ex) -> await(release)));
			}
			List<Long> lateMillis = timeOutSeveral(5);
			TestFigures.report("COMPLETION %d callbacks blocked at once: 5 other %d ms timeouts ended %s ms late",
					blocked, TIMEOUT.toMillis(), lateMillis);
			assertThat(lateMillis).allSatisfy((late) -> assertThat(late).isLessThan(LATE_BOUND_MILLIS));
		}
		finally {
			release.countDown();
		}
		CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
	}

	@Test
	void whenCallbacksSaturateTheCompletionThreadsThenATimeoutStillSendsItsCancelAndItsFutureCompletesOnceOneFrees()
			throws Exception {
		// A completion pool whose maximum is two threads, as 256 blocked ones would be.
		ConfigurableApplicationContext small = apps.start(new Class<?>[] { TwoCompletionThreadsApp.class },
				"spring.application.name=completion-two", "request-reply.handler.enabled=false",
				"request-reply.reply-partitions=all", "request-reply.reply-topic-partitions=1",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("completion-two-replies"),
				"management.endpoints.web.exposure.include=requestreply");
		RequestReplyTemplate requester = small.getBean(RequestReplyTemplate.class);
		// A first request, so that the producer knows the topic and the sends below do not block.
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> requester.request(nobodyTopic, "first", String.class, Duration.ofMillis(100))
				.get(10, TimeUnit.SECONDS));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> requester.getCancelsSent() == 1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocked = new CountDownLatch(2);
		List<CompletableFuture<Void>> held = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				held.add(requester.request(nobodyTopic, "held", String.class, Duration.ofMillis(200))
					.handle((value, ex) -> {
						blocked.countDown();
						return await(release);
					}));
			}
			assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<String> late = requester.request(nobodyTopic, "late", String.class,
					Duration.ofMillis(200));
			// Its request ended and its cancel record went out, though no completion thread is free.
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> requester.getCancelsSent() == 4);
			assertThat(requester.getRegistry().timeoutCount()).isEqualTo(4);
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> requester.getCompletionThreads().saturated());
			assertThat(late).isNotDone();
			assertThat(small.getBean(RequestReplyEndpoint.class).requestReply().completionThreads().saturations())
				.isOne();
			assertThat(small.getBean(SimpleMeterRegistry.class).get(CompletionThreadsMeterBinder.SATURATIONS)
				.functionCounter()
				.count()).isOne();
			Health health = small.getBean(RequestReplyHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("completionThreads"))
				.isEqualTo(new CompletionThreadsView(2, 2, true, 1));
			release.countDown();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> late.get(5, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestTimeoutException.class);
		}
		finally {
			release.countDown();
		}
		CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
	}

	@Test
	void whenACallbackBlocksOnOneReplyThenOtherRepliesStillArrive() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> blockedOnReply = new CompletableFuture<>();
		CompletableFuture<Void> held = template.request(echoTopic, "held", String.class, Duration.ofSeconds(10))
			.thenAccept((reply) -> {
				blockedOnReply.complete(reply);
				await(release);
			});
		try {
			assertThat(blockedOnReply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:held");
			List<Long> roundTrips = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				long start = System.nanoTime();
				assertThat(template.request(echoTopic, "next" + i, String.class, Duration.ofSeconds(10))
					.get(5, TimeUnit.SECONDS)).isEqualTo("echo:next" + i);
				roundTrips.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			}
			TestFigures.report("COMPLETION a callback blocked on a reply: 5 other round trips took %s ms", roundTrips);
			assertThat(held).isNotDone();
		}
		finally {
			release.countDown();
		}
		held.get(10, TimeUnit.SECONDS);
	}

	@Test
	void whenFuturesCompleteThenCallbacksRunOnCompletionThreads() throws Exception {
		Set<String> threads = ConcurrentHashMap.newKeySet();
		// Held until both callbacks are attached: a future already complete would run them on
		// this thread (the JDK's rule), which a stall of this thread under load could cause.
		echo.gate.hold();
		CompletableFuture<?> replied;
		CompletableFuture<?> timedOut;
		try {
			replied = template.request(echoTopic, "reply", String.class, Duration.ofSeconds(10))
				.whenComplete((value, ex) -> threads.add(Thread.currentThread().getName()));
			timedOut = template.request(nobodyTopic, "timeout", String.class, Duration.ofSeconds(1))
				.handle((value, ex) -> threads.add(Thread.currentThread().getName()));
		}
		finally {
			echo.gate.release();
		}
		replied.get(10, TimeUnit.SECONDS);
		timedOut.get(10, TimeUnit.SECONDS);
		assertThat(threads).as("the callbacks' threads %s", threads)
			.isNotEmpty()
			.allMatch((name) -> name.startsWith(RequesterSettings.COMPLETION_THREAD_PREFIX));
	}

	@Test
	void whenAStreamSubscriberBlocksThenItIsCalledOffTheReplyReaderAndOtherRepliesStillArrive() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<String> onNextThread = new CompletableFuture<>();
		Flow.Publisher<String> stream = template.requestStream(echoTopic, "stream", String.class,
				Duration.ofSeconds(10), Duration.ofSeconds(30));
		stream.subscribe(new Flow.Subscriber<>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(String item) {
				onNextThread.complete(Thread.currentThread().getName());
				await(release);
			}

			@Override
			public void onError(Throwable throwable) {
			}

			@Override
			public void onComplete() {
			}

		});
		try {
			assertThat(onNextThread.get(10, TimeUnit.SECONDS)).startsWith(RequesterSettings.COMPLETION_THREAD_PREFIX);
			assertThat(template.request(echoTopic, "meanwhile", String.class, Duration.ofSeconds(10))
				.get(5, TimeUnit.SECONDS)).isEqualTo("echo:meanwhile");
		}
		finally {
			release.countDown();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TwoCompletionThreadsApp {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ThreadPoolTaskExecutor twoCompletionThreads() {
			return new ThreadPoolTaskExecutorBuilder().corePoolSize(2)
				.maxPoolSize(2)
				.threadNamePrefix(RequesterSettings.COMPLETION_THREAD_PREFIX)
				.build();
		}

		@Bean
		RequestReplyTemplateCustomizer twoCompletionThreadsOnly(ThreadPoolTaskExecutor twoCompletionThreads) {
			return (settings) -> settings.completionExecutor(twoCompletionThreads);
		}

	}

	// Requests to a topic nobody reads: how late after its timeout each one's future failed.
	private static List<Long> timeOutSeveral(int count) throws Exception {
		List<CompletableFuture<Long>> endedAt = new ArrayList<>();
		long sent = System.nanoTime();
		for (int i = 0; i < count; i++) {
			endedAt.add(template.request(nobodyTopic, "other" + i, String.class, TIMEOUT)
				.handle((value, ex) -> (ex instanceof RequestTimeoutException) ? System.nanoTime() : -1L));
		}
		List<Long> late = new ArrayList<>();
		for (CompletableFuture<Long> ended : endedAt) {
			long at = ended.get(10, TimeUnit.SECONDS);
			assertThat(at).as("ended by its timeout").isNotEqualTo(-1L);
			late.add(TimeUnit.NANOSECONDS.toMillis(at - sent) - TIMEOUT.toMillis());
		}
		return late;
	}

	private static Void await(CountDownLatch latch) {
		try {
			latch.await(HELD_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return null;
	}

}
