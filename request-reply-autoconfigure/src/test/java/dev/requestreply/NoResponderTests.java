package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * With {@code request-reply.fail-fast-without-responders}, a request to a topic nobody reads fails
 * at once with {@link NoResponderException}; once a responder is up, requests go through.
 */
class NoResponderTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static ConfigurableApplicationContext requester;

	private static RequestReplyTemplate template;

	@BeforeAll
	static void start() {
		requester = apps.start(new Class<?>[] { RequesterApp.class }, "spring.application.name=nr-requester",
				"request-reply.handler.enabled=false", "request-reply.fail-fast-without-responders=true",
				"request-reply.responder-check-interval=500ms",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("nr-replies"));
		template = requester.getBean(RequestReplyTemplate.class);
	}

	@Test
	void whenNoGroupReadsTheTopicThenRequestFailsAtOnceAndIsCounted() {
		String topic = TestBroker.createTopic("nr-nobody", 1);
		long noResponderBefore = template.getRegistry().noResponderCount();
		long start = System.nanoTime();
		CompletableFuture<String> future = template.request(topic, "anyone?", String.class, TIMEOUT);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(NoResponderException.class)
			.withMessageContaining(topic);
		long failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		int later = 1_000;
		long startAgain = System.nanoTime();
		for (int i = 0; i < later; i++) {
			assertThat(template.request(topic, "anyone?", String.class, TIMEOUT)).isCompletedExceptionally();
		}
		long laterMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startAgain) / later;
		TestFigures.report("RELIABILITY no-responder: first request failed after %d ms, the %d after it in %d us each"
				+ " on average (timeout %d ms; under the shared test load)", failedAfterMs, later, laterMicros,
				TIMEOUT.toMillis());
		assertThat(failedAfterMs).isLessThan(2_000);
		assertThat(template.getRegistry().noResponderCount()).isEqualTo(noResponderBefore + 1 + later);
		assertThat(template.getRegistry().pendingCount()).isZero();
	}

	@Test
	void whenResponderStartsThenRequestsGoThrough() throws Exception {
		String topic = TestBroker.createTopic("nr-later", 1);
		assertThat(template.request(topic, "early", String.class, TIMEOUT)).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseExactlyInstanceOf(NoResponderException.class);
		try (ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"spring.application.name=nr-responder", "test.topic=" + topic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("nr-responder-replies"))) {
			long assigned = System.nanoTime();
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
				try {
					return template.request(topic, "later", String.class, TIMEOUT).get(30, TimeUnit.SECONDS)
						.equals("echo:later");
				}
				catch (ExecutionException ex) {
					assertThat(ex.getCause()).isInstanceOf(NoResponderException.class);
					return false;
				}
			});
			TestFigures.report("RELIABILITY no-responder: a responder was seen %d ms after its partitions were"
					+ " assigned (check interval 500 ms)", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - assigned));
		}
	}

	@Test
	void whenScatteredToATopicNobodyReadsThenTheGatherFailsAtOnce() {
		String served = TestBroker.createTopic("nr-served", 1);
		String unserved = TestBroker.createTopic("nr-unserved", 1);
		try (ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"spring.application.name=nr-gather", "test.topic=" + served,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("nr-gather-replies"))) {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> !template.request(served, "x", String.class, TIMEOUT).isCompletedExceptionally());
			assertThat(template.scatterGather(List.of(served, unserved), "x", String.class,
					GatherPolicy.<String>count(2, TIMEOUT)))
				.failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseExactlyInstanceOf(NoResponderException.class)
				.withMessageContaining(unserved);
		}
	}

}
