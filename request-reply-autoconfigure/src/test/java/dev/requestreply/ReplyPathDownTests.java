package dev.requestreply;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.actuate.RequestReplyHealthIndicator;
import kafka.server.BrokerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The broker stops: new requests fail at once with {@link ReplyPathDownException} and health is
 * DOWN; the broker comes back: requests are accepted again. Uses a broker of its own, on a fixed
 * port so that it can come back where the clients look for it.
 */
@Tag("slow")
class ReplyPathDownTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration REPLY_PATH_TIMEOUT = Duration.ofSeconds(2);

	private static EmbeddedKafkaKraftBroker broker;

	@BeforeAll
	static void start() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.kafkaPorts(port);
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		broker.brokerListProperty("test.kafka.reply-path.brokers");
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stop() {
		broker.destroy();
	}

	@Test
	void whenBrokerStopsThenRequestsFailAtOnceAndHealthIsDownUntilItIsBack() throws Exception {
		String topic = TestBroker.uniqueTopic("rp-requests");
		broker.addTopics(topic);
		try (ConfigurableApplicationContext app = apps.startAssigned(broker.getBrokersAsString(),
				new Class<?>[] { EchoApp.class }, "spring.application.name=rp-app", "test.topic=" + topic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("rp-replies"),
				"request-reply.reply-path-timeout=" + REPLY_PATH_TIMEOUT.toMillis() + "ms")) {
			RequestReplyTemplate template = app.getBean(RequestReplyTemplate.class);
			RequestReplyHealthIndicator health = new RequestReplyHealthIndicator(template, null);
			assertThat(template.request(topic, "before", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
				.isEqualTo("echo:before");
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);

			long stopped = System.nanoTime();
			broker.getCluster().brokers().values().forEach(BrokerServer::shutdown);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> !template.isAccepting());
			long refusedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
			long sent = System.nanoTime();
			CompletableFuture<String> refused = template.request(topic, "during", String.class, Duration.ofSeconds(30));
			long refusedInMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent);
			assertThat(refused).isCompletedExceptionally();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(refused::get)
				.withCauseExactlyInstanceOf(ReplyPathDownException.class)
				.withMessageContaining(template.getReplyTopic());
			assertThat(template.getRegistry().replyPathDownCount()).isOne();
			Health down = health.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails().get("reason").toString()).contains(template.getReplyTopic());

			long restarted = System.nanoTime();
			broker.getCluster().brokers().values().forEach(BrokerServer::startup);
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(template::isAccepting);
			long acceptedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
			assertThat(template.request(topic, "after", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
				.isEqualTo("echo:after");
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			TestFigures.report("RELIABILITY reply-path-down: requests refused %d ms after the broker stopped"
					+ " (reply-path-timeout %d ms), each in %d us; accepted again %d ms after it restarted"
					+ " (under the shared test load)", refusedAfterMs, REPLY_PATH_TIMEOUT.toMillis(), refusedInMicros,
					acceptedAfterMs);
		}
	}

}
