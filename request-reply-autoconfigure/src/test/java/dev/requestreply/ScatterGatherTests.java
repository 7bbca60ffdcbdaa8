package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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
 * One request, several responder groups: gather by count, quorum or timeout.
 */
class ScatterGatherTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private static String topic;

	private static String otherTopic;

	private static String quoteTopic;

	private static String stockTopic;

	private static RequestReplyTemplate template;

	@BeforeAll
	static void start() {
		topic = TestBroker.createTopic("prices", 1);
		otherTopic = TestBroker.createTopic("prices-other", 1);
		for (String responder : List.of("fast-pricer", "slow-pricer", "failing-pricer")) {
			contexts.add(apps.startAssigned(new Class<?>[] { ResponderApp.class },
					"spring.application.name=" + responder, "test.topic=" + topic,
					"request-reply.reply-topic=" + TestBroker.uniqueTopic(responder + "-replies")));
		}
		contexts.add(apps.startAssigned(new Class<?>[] { ResponderApp.class }, "spring.application.name=other-pricer",
				"test.topic=" + otherTopic, "request-reply.reply-topic=" + TestBroker.uniqueTopic("other-replies")));
		quoteTopic = TestBroker.createTopic("quotes", 1);
		stockTopic = TestBroker.createTopic("stock", 1);
		contexts.add(apps.startAssigned(new Class<?>[] { TwoHandlerApp.class }, "spring.application.name=catalog",
				"test.quote-topic=" + quoteTopic, "test.stock-topic=" + stockTopic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("catalog-replies")));
		ConfigurableApplicationContext requester = apps.start(new Class<?>[] { RequesterApp.class },
				"spring.application.name=gatherer", "request-reply.handler.enabled=false",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("gatherer-replies"));
		contexts.add(requester);
		template = requester.getBean(RequestReplyTemplate.class);
	}

	/**
	 * The responder a handler of the given application on the given topic names: its consumer
	 * group.
	 */
	private static String responder(String application, String handlerTopic) {
		return application + "." + handlerTopic;
	}

	private static Pricer slowPricerOf() {
		return contexts.get(1).getBean(Pricer.class);
	}

	private static TestGate slowPricer() {
		return slowPricerOf().gate;
	}


	@Test
	void whenAllRespondersAnswerThenValuesAndErrorsArriveWithTheirResponders() throws Exception {
		GatherResult<Double> result = template
			.scatterGather(List.of(topic), "ACME", Double.class, GatherPolicy.<Double>count(3, Duration.ofSeconds(30)))
			.get(30, TimeUnit.SECONDS);
		assertThat(result.timedOut()).isFalse();
		assertThat(result.responders()).containsExactlyInAnyOrder(responder("fast-pricer", topic),
				responder("slow-pricer", topic), responder("failing-pricer", topic));
		assertThat(result.values()).containsExactlyInAnyOrder(5.0, 5.0);
		assertThat(result.errors()).singleElement().satisfies((error) -> {
			assertThat(error.responder()).isEqualTo(responder("failing-pricer", topic));
			assertThat(((RemoteHandlerException) error.error()).getRemoteMessage()).isEqualTo("failing-pricer is down");
		});
	}

	@Test
	void whenQuorumIsReachedThenGatherEndsEarlyAndTheResponderStillWorkingIsCancelled() throws Exception {
		slowPricer().hold();
		long cancelsSent = template.getCancelsSent();
		try {
			long start = System.nanoTime();
			GatherResult<Double> result = template
				.scatterGather(List.of(topic), "QRUM", Double.class, GatherPolicy.<Double>quorum(1, Duration.ofSeconds(30)))
				.get(30, TimeUnit.SECONDS);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
			assertThat(result.timedOut()).isFalse();
			assertThat(result.values()).containsExactly(5.0);
			assertThat(result.responders()).contains(responder("fast-pricer", topic))
				.doesNotContain(responder("slow-pricer", topic));
			// As for a request that timed out: a cancel record stops the responder still working.
			await().atMost(Duration.ofSeconds(10)).until(() -> slowPricerOf().cancelled.contains("QRUM"));
			assertThat(template.getCancelsSent()).isGreaterThan(cancelsSent);
		}
		finally {
			slowPricer().release();
		}
	}

	@Test
	void whenTimeoutPassesFirstThenPartialResultIsReturnedAndCountedAsPartialNotTimedOut() throws Exception {
		slowPricer().hold();
		RequestStatistics before = template.getRegistry().statistics();
		try {
			GatherResult<Double> result = template
				.scatterGather(List.of(topic), "ACME", Double.class,
						GatherPolicy.<Double>count(3, Duration.ofSeconds(5)))
				.get(30, TimeUnit.SECONDS);
			assertThat(result.timedOut()).isTrue();
			assertThat(result.responders()).containsExactlyInAnyOrder(responder("fast-pricer", topic),
					responder("failing-pricer", topic));
			assertThat(result.values()).containsExactly(5.0);
			// Counted as the engine ends the gather, before its future completes.
			RequestStatistics after = template.getRegistry().statistics();
			assertThat(after.partialGathers()).isEqualTo(before.partialGathers() + 1);
			assertThat(after.timeouts()).isEqualTo(before.timeouts());
		}
		finally {
			slowPricer().release();
		}
	}

	@Test
	void whenPolicyAnswersNoAtTheTimeoutThenGatherFailsAsATimeoutAndThePolicyNeverRanOnTheTimer() throws Exception {
		slowPricer().hold();
		RequestStatistics before = template.getRegistry().statistics();
		List<Integer> asked = new CopyOnWriteArrayList<>();
		Set<String> threads = ConcurrentHashMap.newKeySet();
		GatherPolicy<Double> policy = GatherPolicy.<Double>count(3, Duration.ofSeconds(2))
			.releaseAtTimeout((replies) -> {
				asked.add(replies.size());
				threads.add(Thread.currentThread().getName());
				return replies.size() >= 3;
			});
		try {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> template.scatterGather(List.of(topic), "NOPE", Double.class, policy)
					.get(30, TimeUnit.SECONDS))
				.withCauseInstanceOf(RequestTimeoutException.class);
			// Asked with no reply as it was sent, then after each of the two replies, never at the timer.
			assertThat(asked).contains(0, 2);
			assertThat(threads).noneMatch((name) -> name.startsWith("request-reply-timer"));
			RequestStatistics after = template.getRegistry().statistics();
			assertThat(after.timeouts()).isEqualTo(before.timeouts() + 1);
			assertThat(after.partialGathers()).isEqualTo(before.partialGathers());
		}
		finally {
			slowPricer().release();
		}
	}

	@Test
	void whenScatteredToSeveralTopicsThenRespondersOfEachAnswer() throws Exception {
		GatherResult<Double> result = template
			.scatterGather(List.of(topic, otherTopic), "XYZ", Double.class,
					GatherPolicy.<Double>count(4, Duration.ofSeconds(30)))
			.get(30, TimeUnit.SECONDS);
		assertThat(result.timedOut()).isFalse();
		assertThat(result.responders()).containsExactlyInAnyOrder(responder("fast-pricer", topic),
				responder("slow-pricer", topic), responder("failing-pricer", topic),
				responder("other-pricer", otherTopic));
	}

	@Test
	void whenOneApplicationAnswersTwoTopicsThenBothRepliesAreGathered() throws Exception {
		GatherResult<String> result = template
			.scatterGather(List.of(quoteTopic, stockTopic), "ACME", String.class,
					GatherPolicy.<String>count(2, Duration.ofSeconds(30)))
			.get(30, TimeUnit.SECONDS);
		assertThat(result.timedOut()).isFalse();
		assertThat(result.values()).containsExactlyInAnyOrder("quote:ACME", "stock:ACME");
		assertThat(result.responders()).containsExactlyInAnyOrder(responder("catalog", quoteTopic),
				responder("catalog", stockTopic));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class RequesterApp {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ResponderApp {

		@Bean
		Pricer pricer(org.springframework.core.env.Environment environment) {
			return new Pricer(environment.getRequiredProperty("spring.application.name"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TwoHandlerApp {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	static class Catalog {

		@ReplyHandler(topics = "${test.quote-topic}")
		String quote(String symbol) {
			return "quote:" + symbol;
		}

		@ReplyHandler(topics = "${test.stock-topic}")
		String stock(String symbol) {
			return "stock:" + symbol;
		}

	}

	static class Pricer {

		private final String name;

		final TestGate gate = new TestGate();

		// The symbols of the requests whose requester gave up while this handler had them.
		final Set<String> cancelled = ConcurrentHashMap.newKeySet();

		Pricer(String name) {
			this.name = name;
		}

		@ReplyHandler(topics = "${test.topic}")
		double price(String symbol, ReplyContext call) throws InterruptedException {
			if (this.name.startsWith("failing")) {
				throw new IllegalStateException(this.name + " is down");
			}
			call.onCancel(() -> this.cancelled.add(symbol));
			this.gate.pass();
			return symbol.length() + 1.0;
		}

	}

}
