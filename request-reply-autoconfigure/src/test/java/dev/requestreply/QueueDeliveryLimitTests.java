package dev.requestreply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A request in queue mode whose deliveries all ended unanswered: on its last allowed delivery it
 * gets an error reply of code {@code ABORTED} without the handler running again. On a broker of
 * its own that allows two deliveries (the least it takes), so that one responder stopping while
 * handling it is enough.
 */
class QueueDeliveryLimitTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static EmbeddedKafkaKraftBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = TestBroker.start("test.limit.kafka.brokers", Map.of("group.share.delivery.count.limit", "2"));
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	@Test
	void whenRequestReachesItsLastDeliveryThenItIsAnsweredAbortedWithoutRunningTheHandlerAgain() throws Exception {
		String servers = broker.getBrokersAsString();
		String topic = TestBroker.uniqueTopic("queue-limit");
		broker.addTopics(new NewTopic(topic, 1, (short) 1));
		RequestReplyTemplate template = QueueModeTests.requester(apps, servers);
		ConfigurableApplicationContext first = QueueModeTests.responder(apps, servers, topic,
				"request-reply.handler.shutdown-timeout=0s");
		Echo firstEcho = first.getBean(Echo.class);
		firstEcho.gate.hold();
		CompletableFuture<String> doomed = template.request(topic, "doomed", String.class, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(30)).until(() -> firstEcho.gate.waiting() == 1);
		// Stopped while handling it: the request goes back to the share group, unanswered.
		first.close();
		firstEcho.gate.release();
		assertThat(doomed).isNotDone();
		ConfigurableApplicationContext second = QueueModeTests.responder(apps, servers, topic);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> doomed.get(30, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RemoteHandlerException.class, (failure) -> {
				assertThat(failure.getErrorCode()).isEqualTo("ABORTED");
				assertThat(failure.getRemoteMessage()).contains("delivered 2 times");
			});
		assertThat(second.getBean(Echo.class).gate.arrived()).isZero();
		ReplyHandlerStats stats = QueueModeTests.stats(second);
		assertThat(stats.aborted()).isOne();
		assertThat(stats.redelivered()).isOne();
		// Acknowledged: the next request is handled at once, nothing comes back.
		assertThat(template.request(topic, "next", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
			.isEqualTo("echo:next");
		assertThat(second.getBean(Echo.class).gate.arrived()).isOne();
	}

}
