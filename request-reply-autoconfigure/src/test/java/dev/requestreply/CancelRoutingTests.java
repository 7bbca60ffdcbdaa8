package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.requestreply.wire.RequestReplyHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cancel record goes to the partition its request was written to, keyed or not, so that it
 * reaches the responder instance holding the request.
 */
class CancelRoutingTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final int PARTITIONS = 4;

	private static final int REQUESTS = 7;

	private static String topic;

	private static RequestReplyTemplate template;

	private static final List<Held> responders = new ArrayList<>();

	private static final List<ConfigurableApplicationContext> responderContexts = new ArrayList<>();

	@BeforeAll
	static void start() {
		topic = TestBroker.createTopic("cancel-routing", PARTITIONS);
		for (int i = 0; i < 2; i++) {
			ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { HeldApp.class },
					"spring.application.name=cancel-routing", "test.topic=" + topic,
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("cancel-routing-responder-replies"));
			responders.add(responder.getBean(Held.class));
			responderContexts.add(responder);
		}
		// Two instances share the topic's partitions: wait until the group has settled on both.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> responderContexts.stream().allMatch((context) -> TestApps.assignedPartitions(context) > 0));
		// Keyless requests spread over every partition, as do a keyless cancel's, each picked anew.
		ConfigurableApplicationContext requester = apps.startRequester(TestBroker.bootstrapServers(),
				"cancel-routing-requester", TestBroker.uniqueTopic("cancel-routing-replies"),
				"request-reply.producer-properties.partitioner.class=" + RoundRobinPartitioner.class.getName());
		template = requester.getBean(RequestReplyTemplate.class);
	}

	@Test
	void whenKeylessRequestsAreCancelledThenEachCancelGoesToItsRequestsPartitionAndStopsItsHandler()
			throws Exception {
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			futures.add(template.request(topic, "work-" + i, String.class, Duration.ofSeconds(30)));
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> responders.stream().mapToInt((held) -> held.started.size()).sum() == REQUESTS);
		assertThat(responders).allSatisfy((held) -> assertThat(held.started).isNotEmpty());
		long cancelsBefore = template.getCancelsSent();
		futures.forEach((future) -> future.cancel(true));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> responders.stream().mapToInt((held) -> held.cancelled.size()).sum() == REQUESTS);
		await().atMost(Duration.ofSeconds(10)).until(() -> template.getCancelsSent() == cancelsBefore + REQUESTS);

		Map<String, Integer> requestPartitions = new HashMap<>();
		Map<String, Integer> cancelPartitions = new HashMap<>();
		for (ConsumerRecord<byte[], byte[]> record : TestBroker.readAll(topic)) {
			byte[] cancelled = WireFormat.standard().cancelledRequest(record.headers());
			if (cancelled != null) {
				cancelPartitions.put(CorrelationId.fromBytes(cancelled).toString(), record.partition());
			}
			else if (record.headers().lastHeader(RequestReplyHeaders.CORRELATION_ID) != null) {
				requestPartitions.put(CorrelationId.fromBytes(WireFormat.standard().correlationId(record.headers())).toString(),
						record.partition());
			}
		}
		TestFigures.report("CANCEL keyless requests on %d partitions: requests %s, cancels %s", PARTITIONS,
				requestPartitions.values(), cancelPartitions.values());
		assertThat(Set.copyOf(requestPartitions.values())).hasSizeGreaterThan(1);
		assertThat(cancelPartitions).isEqualTo(requestPartitions);
	}

	/**
	 * Holds each request until it is cancelled (at most 20 s), recording what it started and what
	 * was cancelled.
	 */
	static class Held {

		final Set<String> started = ConcurrentHashMap.newKeySet();

		final Set<String> cancelled = ConcurrentHashMap.newKeySet();

		private final ExecutorService executor = Executors.newCachedThreadPool();

		@ReplyHandler(topics = "${test.topic}")
		CompletableFuture<String> hold(String request, ReplyContext call) {
			this.started.add(request);
			CountDownLatch cancel = new CountDownLatch(1);
			call.onCancel(cancel::countDown);
			return CompletableFuture.supplyAsync(() -> {
				try {
					if (cancel.await(20, TimeUnit.SECONDS)) {
						this.cancelled.add(request);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return "done";
			}, this.executor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HeldApp {

		@Bean
		Held held() {
			return new Held();
		}

	}

}
