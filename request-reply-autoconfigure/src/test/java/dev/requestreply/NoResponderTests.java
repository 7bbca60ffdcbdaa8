package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

	// Without fail-fast-without-responders: for the hints of its timeouts.
	private static RequestReplyTemplate plainTemplate;

	@BeforeAll
	static void start() {
		requester = apps.start(new Class<?>[] { RequesterApp.class }, "spring.application.name=nr-requester",
				"request-reply.handler.enabled=false", "request-reply.fail-fast-without-responders=true",
				"request-reply.responder-check-interval=500ms",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("nr-replies"));
		template = requester.getBean(RequestReplyTemplate.class);
		plainTemplate = apps.start(new Class<?>[] { RequesterApp.class }, "spring.application.name=nr-plain",
				"request-reply.handler.enabled=false",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("nr-plain-replies"))
			.getBean(RequestReplyTemplate.class);
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

	/**
	 * A new user's first request, fail-fast off, to a topic nobody reads: its one timeout names the
	 * setting, and so does the next request's, each from a lookup that started after it was sent.
	 * 3 s timeouts stand for the default 10 s: a hint depends on when its lookup started, not on
	 * the age of the answer at the timeout, and the second request, sent when the first lookup is
	 * 3 s old (over the 2 s after which a topic found unserved is looked up again), needs one of
	 * its own.
	 */
	@Test
	void whenFailFastIsOffAndNoGroupReadsTheTopicThenItsFirstTimeoutNamesTheSetting() {
		String topic = TestBroker.createTopic("nr-timeout", 1);
		for (int request = 0; request < 2; request++) {
			CompletableFuture<String> future = plainTemplate.request(topic, "anyone?", String.class,
					Duration.ofSeconds(3));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(RequestTimeoutException.class)
				.withMessageContaining("no consumer or share group reads topic '" + topic + "'")
				.withMessageContaining("request-reply.fail-fast-without-responders");
		}
	}

	@Test
	void whenFailFastIsOffAndAGroupReadsTheTopicThenItsTimeoutDoesNotNameTheSetting() {
		String topic = TestBroker.createTopic("nr-slow", 1);
		try (ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"spring.application.name=nr-slow", "test.topic=" + topic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("nr-slow-replies"))) {
			TestResponders.Echo echo = responder.getBean(TestResponders.Echo.class);
			echo.gate.hold();
			try {
				CompletableFuture<String> future = plainTemplate.request(topic, "slow", String.class,
						Duration.ofSeconds(2));
				echo.gate.awaitArrived(1);
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
					.withCauseInstanceOf(RequestTimeoutException.class)
					.withMessageNotContaining("no consumer or share group")
					.withMessageNotContaining("fail-fast-without-responders");
			}
			finally {
				echo.gate.release();
			}
		}
	}

	@Test
	void whenTheApplicationsOwnHandlerServesTheTopicThenItsFirstRequestRightAfterStartUpIsAnswered() throws Exception {
		String topic = TestBroker.createTopic("nr-own", 1);
		// The handler's group forms slowly: its first member is still assigning the partitions
		// when the handler joins, so no member holds any assignment when the request is sent.
		try (FormingMember forming = new FormingMember("nr-own." + topic, topic)) {
			ConfigurableApplicationContext own = apps.start(new Class<?>[] { EchoApp.class },
					"spring.application.name=nr-own", "test.topic=" + topic,
					"request-reply.fail-fast-without-responders=true",
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("nr-own-replies"));
			RequestReplyTemplate ownTemplate = own.getBean(RequestReplyTemplate.class);
			CompletableFuture<String> first = ownTemplate.request(topic, "first", String.class, TIMEOUT);
			assertThat(first).isNotCompletedExceptionally();
			forming.assign();
			assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("echo:first");
			assertThat(ownTemplate.getRegistry().noResponderCount()).isZero();
		}
	}

	@Test
	void whenAGroupFormsThatWasNeverAssignedAnythingThenRequestsAreNotRefused() throws Exception {
		String topic = TestBroker.createTopic("nr-forming", 1);
		String group = TestBroker.uniqueTopic("nr-forming-group");
		try (FormingMember forming = new FormingMember(group, topic);
				Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
						TestBroker.bootstrapServers()))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeConsumerGroups(List.of(group))
				.all()
				.get()
				.get(group)
				.groupState() == GroupState.COMPLETING_REBALANCE);
			// Lookups every 500 ms see a member that holds no assignment: unknown, so none refuses.
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !refused(topic));
		}
	}

	@Test
	void whenAGroupRebalancesThenRequestsToTheTopicsItWasAssignedAreNotRefused() throws Exception {
		String topic = TestBroker.createTopic("nr-rebalancing", 1);
		String group = TestBroker.uniqueTopic("nr-rebalancing-group");
		try (KafkaConsumer<byte[], byte[]> stuck = stuckMember(group, topic)) {
			// Seen assigned the topic first.
			await().atMost(Duration.ofSeconds(10)).until(() -> !refused(topic));
			// A second member joins: the group waits for the first to rejoin, which it never does.
			CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> {
				try (KafkaConsumer<byte[], byte[]> second = consumer(group, Duration.ofSeconds(30))) {
					second.subscribe(List.of(topic));
					second.poll(Duration.ofSeconds(5));
				}
			});
			try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
					TestBroker.bootstrapServers()))) {
				await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeConsumerGroups(List.of(group))
					.all()
					.get()
					.get(group)
					.groupState() == GroupState.PREPARING_REBALANCE);
			}
			// Lookups every 500 ms: several see the group with no assignment, none refuses.
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !refused(topic));
			joined.get(30, TimeUnit.SECONDS);
		}
	}

	// Whether a request to the topic is refused for lack of a responder (it fails at once if so).
	private static boolean refused(String topic) {
		CompletableFuture<String> future = template.request(topic, "anyone?", String.class, Duration.ofMillis(200));
		return future.isCompletedExceptionally()
				&& future.handle((value, ex) -> ex instanceof NoResponderException).join();
	}

	/**
	 * A member of the group assigned the topic, that then stops polling: its heartbeats keep it in
	 * the group for its poll interval (6 s), during which a rebalance waits for it to rejoin.
	 */
	private static KafkaConsumer<byte[], byte[]> stuckMember(String group, String topic) {
		KafkaConsumer<byte[], byte[]> consumer = consumer(group, Duration.ofSeconds(6));
		consumer.subscribe(List.of(topic));
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			consumer.poll(Duration.ofMillis(100));
			return !consumer.assignment().isEmpty();
		});
		return consumer;
	}

	private static KafkaConsumer<byte[], byte[]> consumer(String group, Duration maxPollInterval) {
		return consumer(group, maxPollInterval, CooperativeStickyAssignor.class);
	}

	private static KafkaConsumer<byte[], byte[]> consumer(String group, Duration maxPollInterval,
			Class<?> assignor) {
		return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
				ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval.toMillis(),
				ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName(),
				// Never past a request it read: the handler that takes the partition over answers it.
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
	}

	/**
	 * The first member of a new group, which leads its first rebalance but takes until
	 * {@link #assign()} to assign the partitions: meanwhile the group has members and no
	 * assignment at all.
	 */
	static final class FormingMember implements AutoCloseable {

		// The assignor is made by the consumer from its class name: one forming member at a time.
		static volatile CountDownLatch assigning = new CountDownLatch(1);

		private final CompletableFuture<Void> polled;

		FormingMember(String group, String topic) {
			assigning = new CountDownLatch(1);
			this.polled = CompletableFuture.runAsync(() -> {
				try (KafkaConsumer<byte[], byte[]> consumer = consumer(group, Duration.ofSeconds(60),
						SlowAssignor.class)) {
					consumer.subscribe(List.of(topic));
					long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
					while (consumer.assignment().isEmpty() && System.nanoTime() - end < 0) {
						consumer.poll(Duration.ofMillis(100));
					}
				}
			});
		}

		void assign() {
			assigning.countDown();
		}

		@Override
		public void close() throws Exception {
			assign();
			this.polled.get(30, TimeUnit.SECONDS);
		}

	}

	/**
	 * Cooperative-sticky, so that it joins the handlers' groups, but waits for its test first.
	 */
	public static class SlowAssignor extends CooperativeStickyAssignor {

		@Override
		public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
			try {
				FormingMember.assigning.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return super.assign(metadata, groupSubscription);
		}

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
