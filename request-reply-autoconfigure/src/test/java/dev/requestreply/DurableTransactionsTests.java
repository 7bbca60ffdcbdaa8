package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.requestreply.durable.DurableRequests;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code spring.kafka.producer.transaction-id-prefix}, each durable outcome ends in one
 * transaction: the listener's own sends, the end of the pending state and the reply's offset
 * commit together, so that exactly one outcome per request is committed.
 */
class DurableTransactionsTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	// 200 transactions of the race take 10-12 s at a load of 20 on 2 cores; a busier machine, longer.
	private static final Duration WAIT = Duration.ofSeconds(60);

	private static ConfigurableApplicationContext context;

	private static String topic;

	private static String audit;

	private static RequestReplyTemplate template;

	private static Listeners listeners;

	private static DurableRequests durable;

	@BeforeAll
	static void start() {
		topic = TestBroker.createTopic("durable-tx-requests", 2);
		audit = TestBroker.createTopic("durable-tx-audit", 1);
		context = apps.startAssigned(new Class<?>[] { App.class }, "test.topic=" + topic, "test.audit=" + audit,
				"spring.application.name=" + TestBroker.uniqueTopic("durable-tx-app"),
				"request-reply.durable.topic-partitions=2",
				"spring.kafka.producer.transaction-id-prefix=" + TestBroker.uniqueTopic("durable-tx") + "-");
		template = context.getBean(RequestReplyTemplate.class);
		listeners = context.getBean(Listeners.class);
		durable = context.getBean(DurableRequests.class);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void whenListenerThrowsAfterItsSendThenAReadCommittedConsumerSeesOneRecordPerRequest() throws Exception {
		assertThat(durable.isTransactional()).isTrue();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			DurableOptions options = DurableOptions.kind("audited").timeout(Duration.ofSeconds(30));
			DurableRequest request = template.submit(topic, "job" + i,
					(i % 2 == 0) ? options.context("throw", "first") : options);
			request.accepted().get(10, TimeUnit.SECONDS);
			ids.add(request.id());
		}
		Map<String, List<String>> committed = awaitCommitted(audit, ids);
		assertThat(committed).allSatisfy((id, values) -> assertThat(values).hasSize(1));
		// The writes of the first attempts that threw were sent, then aborted.
		assertThat(ids).allSatisfy((id) -> assertThat(listeners.calls.get(id)).hasValue(
				listeners.throwing.contains(id) ? 2 : 1));
		assertThat(listeners.throwing).hasSize(5);
		assertThat(TestBroker.readAll(audit)
			.stream()
			.filter((record) -> ids.contains(new String(record.key(), StandardCharsets.UTF_8)))).hasSize(15);
		assertThat(committed.values()).allSatisfy((values) -> assertThat(values.get(0)).startsWith("Replied:"));
		assertThat(committedTombstones(ids)).allSatisfy((id, count) -> assertThat(count).isOne());
	}

	@Test
	void whenRepliesRaceTheirDeadlinesThenEachRequestHasExactlyOneCommittedOutcome() throws Exception {
		int requests = 200;
		long timeout = 1_500;
		List<DurableRequest> submitted = new ArrayList<>();
		long started = System.nanoTime();
		for (int i = 0; i < requests; i++) {
			// Replies from 100 ms before the deadline to 100 ms after it.
			long replyAt = System.currentTimeMillis() + timeout + (i % 11 - 5) * 20;
			submitted.add(template.submit(topic, "at:" + replyAt,
					DurableOptions.kind("raced").timeout(Duration.ofMillis(timeout))));
		}
		List<String> ids = new ArrayList<>();
		for (DurableRequest request : submitted) {
			request.accepted().get(10, TimeUnit.SECONDS);
			ids.add(request.id());
		}
		long accepted = System.nanoTime();
		Map<String, List<String>> committed = awaitCommitted(audit, ids);
		long ended = System.nanoTime();
		assertThat(committed).allSatisfy((id, values) -> assertThat(values).hasSize(1));
		Map<String, Long> byType = committed.values()
			.stream()
			.collect(Collectors.groupingBy((values) -> values.get(0), Collectors.counting()));
		TestFigures.report("DURABLE race of replies and deadlines: %d requests, committed outcomes by type %s; "
				+ "all accepted after %d ms, all committed after %d ms (timeout %d ms)", requests, byType,
				(accepted - started) / 1_000_000, (ended - started) / 1_000_000, timeout);
		// Both orders happened: replies that won their deadline and deadlines that won their reply.
		assertThat(byType).containsOnlyKeys("Replied", "TimedOut");
		assertThat(listeners.racedCalls).hasValue(requests);
		assertThat(committedTombstones(ids)).allSatisfy((id, count) -> assertThat(count).isOne());
	}

	// Awaits one committed record per id, and returns the committed values of each.
	private static Map<String, List<String>> awaitCommitted(String auditTopic, List<String> ids) {
		Map<String, List<String>> byId = new HashMap<>();
		await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
			byId.clear();
			for (ConsumerRecord<byte[], byte[]> record : TestBroker.readCommitted(auditTopic)) {
				String id = new String(record.key(), StandardCharsets.UTF_8);
				if (ids.contains(id)) {
					byId.computeIfAbsent(id, (key) -> new ArrayList<>())
						.add(new String(record.value(), StandardCharsets.UTF_8));
				}
			}
			return byId.keySet().containsAll(ids);
		});
		return byId;
	}

	// The committed tombstones of each id on the pending topic.
	private static Map<String, Integer> committedTombstones(List<String> ids) {
		Set<String> wanted = new HashSet<>(ids);
		Map<String, Integer> counts = new HashMap<>();
		ids.forEach((id) -> counts.put(id, 0));
		for (ConsumerRecord<byte[], byte[]> record : TestBroker
			.readCommitted(durable.getSettings().pendingTopic())) {
			String id = new String(record.key(), StandardCharsets.UTF_8);
			if (record.value() == null && wanted.contains(id)) {
				counts.merge(id, 1, Integer::sum);
			}
		}
		return counts;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Listeners listeners(KafkaTemplate<Object, Object> kafkaTemplate, @Value("${test.audit}") String audit) {
			return new Listeners(kafkaTemplate, audit);
		}

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Listeners {

		private final KafkaTemplate<Object, Object> kafkaTemplate;

		private final String audit;

		final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		final Set<String> throwing = ConcurrentHashMap.newKeySet();

		Listeners(KafkaTemplate<Object, Object> kafkaTemplate, String audit) {
			this.kafkaTemplate = kafkaTemplate;
			this.audit = audit;
		}

		@DurableReplyListener("audited")
		void onAudited(DurableOutcome<String> outcome) throws Exception {
			this.calls.computeIfAbsent(outcome.id(), (id) -> new AtomicInteger()).incrementAndGet();
			// The application's own template, as any listener would use it; the record reaches the
			// broker before the listener throws.
			this.kafkaTemplate
				.send(this.audit, outcome.id(), outcome.getClass().getSimpleName() + ":" + outcome.deliveryAttempt())
				.get(10, TimeUnit.SECONDS);
			if ("first".equals(outcome.context().get("throw")) && outcome.deliveryAttempt() == 1) {
				this.throwing.add(outcome.id());
				throw new IllegalStateException("listener failed after its send");
			}
		}

		final AtomicInteger racedCalls = new AtomicInteger();

		@DurableReplyListener("raced")
		void onRaced(DurableOutcome<String> outcome) {
			this.racedCalls.incrementAndGet();
			this.kafkaTemplate.send(this.audit, outcome.id(), outcome.getClass().getSimpleName());
		}

	}

	static class Handlers {

		// A job named "at:<millis>" is answered at that time; any other at once.
		@ReplyHandler(topics = "${test.topic}")
		CompletableFuture<String> work(String job) {
			if (job.startsWith("at:")) {
				long delay = Math.max(0, Long.parseLong(job.substring(3)) - System.currentTimeMillis());
				return CompletableFuture.supplyAsync(() -> "done:" + job,
						CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
			}
			return CompletableFuture.completedFuture("done:" + job);
		}

	}

}
