package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;

import dev.requestreply.TestResponders.EchoApp;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker of a 3-broker cluster stops in the middle of a run: every request still ends.
 */
@Tag("slow")
class BrokerFailureTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final int REQUESTS = 3_000;

	private static final int IN_FLIGHT = 100;

	private static EmbeddedKafkaKraftBroker cluster;

	@BeforeAll
	static void startCluster() {
		cluster = new EmbeddedKafkaKraftBroker(3, 1);
		// Without it two of the three controllers crash about 2 s after start on Kafka 4.1.2.
		cluster.brokerProperty("controller.quorum.fetch.timeout.ms", "3600000");
		cluster.brokerProperty("group.initial.rebalance.delay.ms", "0");
		cluster.brokerProperty("offsets.topic.replication.factor", "3");
		cluster.brokerListProperty("test.kafka.cluster.brokers");
		cluster.afterPropertiesSet();
		apps.closing(cluster::destroy);
	}

	@Test
	void whenOneBrokerStopsMidRunThenEveryRequestEnds() throws Exception {
		String requestTopic = TestBroker.uniqueTopic("bf-requests");
		String replyTopic = TestBroker.uniqueTopic("bf-replies");
		Map<String, String> minIsr = Map.of("min.insync.replicas", "2");
		cluster.addTopics(new NewTopic(requestTopic, 3, (short) 3).configs(minIsr),
				new NewTopic(replyTopic, 1, (short) 3).configs(minIsr));
		try (ConfigurableApplicationContext app = apps.startAssigned(cluster.getBrokersAsString(),
				new Class<?>[] { EchoApp.class }, "test.topic=" + requestTopic,
				"request-reply.reply-topic=" + replyTopic, "request-reply.reply-topic-replication-factor=3",
				"request-reply.handler.group-id=" + TestBroker.uniqueTopic("bf-group"))) {
			RequestReplyTemplate template = app.getBean(RequestReplyTemplate.class);
			// The leader of the reply partition, which also leads one of the request partitions.
			int victim = leadersOf(replyTopic).get(0);
			List<Integer> requestLeaders = leadersOf(requestTopic);
			Semaphore window = new Semaphore(IN_FLIGHT);
			AtomicInteger replied = new AtomicInteger();
			AtomicInteger timedOut = new AtomicInteger();
			AtomicInteger failed = new AtomicInteger();
			AtomicInteger wrong = new AtomicInteger();
			LongAccumulator slowest = new LongAccumulator(Math::max, 0);
			List<CompletableFuture<String>> futures = new ArrayList<>(REQUESTS);
			List<CompletableFuture<Void>> counted = new ArrayList<>(REQUESTS);
			CompletableFuture<Void> stopping = null;
			long stoppedAfterMs = 0;
			long start = System.nanoTime();
			for (int i = 0; i < REQUESTS; i++) {
				assertThat(window.tryAcquire(60, TimeUnit.SECONDS)).as("in-flight slot").isTrue();
				if (i == REQUESTS / 3) {
					stopping = CompletableFuture.runAsync(() -> cluster.getCluster().brokers().get(victim).shutdown());
				}
				if (i == 2 * REQUESTS / 3) {
					// The last third runs on the two brokers left, whatever the speed of this run.
					stopping.get(60, TimeUnit.SECONDS);
					stoppedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				}
				String payload = "m" + i;
				long sent = System.nanoTime();
				CompletableFuture<String> future = template.request(requestTopic, payload, String.class,
						Duration.ofSeconds(15));
				counted.add(future.handle((reply, ex) -> {
					slowest.accumulate(System.nanoTime() - sent);
					if (ex == null) {
						(("echo:" + payload).equals(reply) ? replied : wrong).incrementAndGet();
					}
					else if (ex instanceof RequestTimeoutException) {
						timedOut.incrementAndGet();
					}
					else {
						failed.incrementAndGet();
					}
					window.release();
					return null;
				}));
				futures.add(future);
			}
			CompletableFuture.allOf(counted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			for (CompletableFuture<String> future : futures) {
				if (future.isCompletedExceptionally()) {
					try {
						future.get();
					}
					catch (ExecutionException ex) {
						assertThat(ex.getCause()).isInstanceOf(RequestReplyException.class);
					}
				}
			}
			TestFigures.report("RELIABILITY broker-failure: %d requests, broker %d (leader of the reply partition,"
					+ " request partition leaders %s) stopped after %d; replied %d,"
					+ " timed out %d, failed %d, wrong %d, slowest %d ms, run %d ms (broker down from %d ms), pending %d", REQUESTS, victim,
					requestLeaders, REQUESTS / 3, replied.get(), timedOut.get(), failed.get(), wrong.get(),
					TimeUnit.NANOSECONDS.toMillis(slowest.get()), elapsedMs, stoppedAfterMs, template.getRegistry().pendingCount());
			assertThat(futures).allMatch(CompletableFuture::isDone);
			assertThat(replied.get() + timedOut.get() + failed.get()).isEqualTo(REQUESTS);
			assertThat(wrong.get()).isZero();
			assertThat(template.getRegistry().pendingCount()).isZero();
			assertThat(replied.get()).isPositive();
		}
	}

	private static List<Integer> leadersOf(String topic) {
		return cluster.doWithAdminFunction((admin) -> {
			try {
				TopicDescription description = admin.describeTopics(Set.of(topic))
					.allTopicNames()
					.get(10, TimeUnit.SECONDS)
					.get(topic);
				return description.partitions().stream().map((partition) -> partition.leader().id()).toList();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

}
