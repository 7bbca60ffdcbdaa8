package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One of two responder instances closes in the middle of a run: its partitions move to the other
 * and every request still gets its reply.
 */
@Tag("slow")
class ResponderFailureTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final int REQUESTS = 2_000;

	private static final int IN_FLIGHT = 100;

	@Test
	void whenOneResponderClosesMidRunThenEveryRequestGetsItsReply() throws Exception {
		closeOneResponderMidRun(false);
	}

	@Test
	void whenOneTransactionalResponderClosesMidRunThenEveryRequestGetsExactlyOneReply() throws Exception {
		closeOneResponderMidRun(true);
	}

	private void closeOneResponderMidRun(boolean transactions) throws Exception {
		String topic = TestBroker.createTopic("rf-requests", 4);
		String group = TestBroker.uniqueTopic("rf-group");
		ConfigurableApplicationContext first = responder(topic, group, transactions);
		ConfigurableApplicationContext second = responder(topic, group, transactions);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> TestApps.assignedPartitions(first) > 0 && TestApps.assignedPartitions(second) > 0 && TestApps.assignedPartitions(first) + TestApps.assignedPartitions(second) == 4);
		List<String> requesterProperties = new ArrayList<>(List.of(
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("rf-replies"),
				"request-reply.handler.enabled=false"));
		if (transactions) {
			// Against transactional responders, a requester reads committed replies only.
			requesterProperties.add("spring.kafka.consumer.isolation-level=read-committed");
		}
		ConfigurableApplicationContext requester = apps.start(new Class<?>[] { RequesterApp.class },
				requesterProperties.toArray(String[]::new));
		RequestReplyTemplate template = requester.getBean(RequestReplyTemplate.class);
		Echo firstEcho = first.getBean(Echo.class);
		Echo secondEcho = second.getBean(Echo.class);
		Semaphore window = new Semaphore(IN_FLIGHT);
		AtomicInteger ended = new AtomicInteger();
		LongAccumulator slowest = new LongAccumulator(Math::max, 0);
		List<CompletableFuture<String>> futures = new ArrayList<>(REQUESTS);
		CompletableFuture<Void> closing = null;
		int closedAt = 0;
		for (int i = 0; i < REQUESTS; i++) {
			assertThat(window.tryAcquire(60, TimeUnit.SECONDS)).as("in-flight slot").isTrue();
			if (i == REQUESTS / 4) {
				closing = CompletableFuture.runAsync(first::close);
			}
			if (i == 3 * REQUESTS / 4) {
				// The last quarter is sent once the closed responder is gone, whatever the speed
				// of this run.
				closing.get(60, TimeUnit.SECONDS);
				closedAt = firstEcho.gate.arrived();
			}
			long sent = System.nanoTime();
			CompletableFuture<String> future = template.request(new ProducerRecord<>(topic, "k" + i, "m" + i),
					String.class, Duration.ofSeconds(60));
			future.whenComplete((reply, ex) -> {
				slowest.accumulate(System.nanoTime() - sent);
				ended.incrementAndGet();
				window.release();
			});
			futures.add(future);
		}
		for (int i = 0; i < REQUESTS; i++) {
			assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("echo:m" + i);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> TestApps.assignedPartitions(second) == 4);
		CorrelationRegistry registry = template.getRegistry();
		if (!transactions) {
			// At least once: a request handled twice completes its future once and its second
			// reply is counted as a duplicate.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.duplicateReplyCount() == firstEcho.gate.arrived() + secondEcho.gate.arrived()
						- REQUESTS);
		}
		int handledByFirst = firstEcho.gate.arrived();
		int handledBySecond = secondEcho.gate.arrived();
		TestFigures.report("RELIABILITY responder-failure (%s): %d requests, responder closed after %d sent;"
				+ " handled by closed %d, by survivor %d, handler runs repeated %d, completed %d, duplicates %d,"
				+ " timeouts %d, slowest %d ms", transactions ? "transactions" : "at least once", REQUESTS,
				REQUESTS / 4, handledByFirst, handledBySecond, handledByFirst + handledBySecond - REQUESTS,
				registry.completedCount(), registry.duplicateReplyCount(), registry.timeoutCount(),
				TimeUnit.NANOSECONDS.toMillis(slowest.get()));
		if (transactions) {
			// A handler may have run again for a request, but its reply was never committed twice.
			assertThat(registry.duplicateReplyCount()).isZero();
		}
		assertThat(registry.completedCount()).isEqualTo(REQUESTS);
		assertThat(registry.timeoutCount()).isZero();
		assertThat(registry.errorCount()).isZero();
		assertThat(registry.lateReplyCount()).isZero();
		assertThat(registry.pendingCount()).isZero();
		assertThat(handledByFirst).isPositive().isEqualTo(closedAt);
		assertThat(handledBySecond).isGreaterThanOrEqualTo(REQUESTS / 4);
	}

	private ConfigurableApplicationContext responder(String topic, String group, boolean transactions) {
		List<String> properties = new ArrayList<>(List.of("test.topic=" + topic,
				"request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("rf-responder-replies")));
		if (transactions) {
			// Each instance needs a transaction id prefix of its own.
			properties.add("spring.kafka.producer.transaction-id-prefix=" + TestBroker.uniqueTopic("rf-tx") + "-");
		}
		ConfigurableApplicationContext context = apps.startAssigned(new Class<?>[] { EchoApp.class },
				properties.toArray(String[]::new));
		return context;
	}

}
