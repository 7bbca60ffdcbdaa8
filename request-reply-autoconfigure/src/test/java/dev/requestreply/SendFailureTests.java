package dev.requestreply;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A request whose send fails ends with that failure at once, not after its reply timeout. Uses a
 * broker of its own, without automatic topic creation, that the last test stops.
 */
@Tag("slow")
@TestMethodOrder(OrderAnnotation.class)
class SendFailureTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

	private static EmbeddedKafkaKraftBroker broker;

	private static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.brokerProperty("auto.create.topics.enable", "false");
		broker.brokerListProperty("test.kafka.send-failure.brokers");
		broker.afterPropertiesSet();
		apps.closing(broker::destroy);
		app = apps.start(broker.getBrokersAsString(), new Class<?>[] { RequesterApp.class },
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("sf-replies"),
				"request-reply.handler.enabled=false",
				"request-reply.producer-properties.request.timeout.ms=1000",
				"request-reply.producer-properties.delivery.timeout.ms=3000");
	}

	@Test
	@Order(1)
	void whenTopicDoesNotExistThenRequestFailsWithinMaxBlock() {
		RequestReplyTemplate template = app.getBean(RequestReplyTemplate.class);
		String missing = TestBroker.uniqueTopic("sf-missing");
		long start = System.nanoTime();
		CompletableFuture<String> future = template.request(missing, "lost?", String.class, REPLY_TIMEOUT);
		long returnedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(30, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestReplyException.class)
			.withMessageContaining(missing);
		long failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		TestFigures.report("RELIABILITY send-failure missing-topic: request() returned after %d ms, failed after %d ms"
				+ " (max.block.ms 5000, reply timeout %d ms)", returnedAfterMs, failedAfterMs,
				REPLY_TIMEOUT.toMillis());
		// max.block.ms is 5 s by default in request-reply.
		assertThat(failedAfterMs).isLessThan(10_000);
		assertThat(template.getRegistry().pendingCount()).isZero();
		// The future completes before the counter moves: a counter is read after the fact.
		await().atMost(Duration.ofSeconds(5)).until(() -> template.getRegistry().errorCount() == 1);
	}

	@Test
	@Order(2)
	void whenBrokerIsDownThenRequestFailsWithinDeliveryTimeout() throws Exception {
		RequestReplyTemplate template = app.getBean(RequestReplyTemplate.class);
		String topic = TestBroker.uniqueTopic("sf-requests");
		broker.addTopics(new NewTopic(topic, 1, (short) 1));
		// Metadata of the topic known to the producer, as for a topic requested before.
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic, "warm-up", String.class, Duration.ofMillis(300))
				.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(RequestTimeoutException.class);
		broker.getCluster().brokers().values().forEach((server) -> server.shutdown());
		long errorsBefore = template.getRegistry().errorCount();
		long start = System.nanoTime();
		CompletableFuture<String> future = template.request(topic, "nobody home", String.class, REPLY_TIMEOUT);
		long returnedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(30, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestReplyException.class);
		long failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		TestFigures.report("RELIABILITY send-failure broker-down: request() returned after %d ms, failed after %d ms"
				+ " (delivery.timeout.ms 3000, max.block.ms 5000, reply timeout %d ms)", returnedAfterMs,
				failedAfterMs, REPLY_TIMEOUT.toMillis());
		// delivery.timeout.ms while the producer still knows the topic's leader, max.block.ms once
		// it has dropped it: either way far short of the reply timeout.
		assertThat(failedAfterMs).isLessThan(8_000);
		assertThat(template.getRegistry().pendingCount()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> template.getRegistry().errorCount() == errorsBefore + 1);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class RequesterApp {

	}

}
