package dev.requestreply;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Handlers on the consumer group protocol of KIP-848, and handlers that stop with requests in
 * hand.
 */
class ResponderLifecycleTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenHandlersUseTheConsumerGroupProtocolThenTheyAnswer() throws Exception {
		String topic = TestBroker.createTopic("kip848-requests", 2);
		ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"test.topic=" + topic, "request-reply.handler.group-id=" + TestBroker.uniqueTopic("kip848-group"),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("kip848-replies"),
				"request-reply.handler.consumer-properties.group.protocol=consumer");
		RequestReplyTemplate template = responder.getBean(RequestReplyTemplate.class);
		for (int i = 0; i < 5; i++) {
			assertThat(template.request(topic, "p" + i, String.class).get(30, TimeUnit.SECONDS))
				.isEqualTo("echo:p" + i);
		}
	}

	@Test
	void whenTheResponderStopsWithARequestInHandThenItFinishesAndIsCommitted() throws Exception {
		String topic = TestBroker.createTopic("stopping-requests", 1);
		String group = TestBroker.uniqueTopic("stopping-group");
		ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"test.topic=" + topic, "request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("stopping-responder-replies"));
		Echo echo = responder.getBean(Echo.class);
		RequestReplyTemplate template = apps
			.startRequester(TestBroker.bootstrapServers(), "stopping-requester", TestBroker.uniqueTopic("stopping-replies"))
			.getBean(RequestReplyTemplate.class);
		echo.gate.hold();
		CompletableFuture<String> inHand = template.request(topic, "last", String.class, Duration.ofSeconds(30));
		echo.gate.awaitWaiting(1);
		List<ConcurrentMessageListenerContainer<byte[], byte[]>> containers = responder
			.getBean(ReplyHandlerContainers.class)
			.getContainers();
		CompletableFuture<Void> stopping = CompletableFuture.runAsync(responder::close);
		// Stopping: the handler takes no more requests, and waits for the one in hand.
		await().atMost(Duration.ofSeconds(10)).until(() -> containers.get(0).isPauseRequested());
		assertThat(stopping).isNotDone();
		echo.gate.release();
		assertThat(inHand.get(30, TimeUnit.SECONDS)).isEqualTo("echo:last");
		stopping.get(30, TimeUnit.SECONDS);
		try (TestGroupOffsets offsets = new TestGroupOffsets()) {
			offsets.awaitCommittedToEnd(group + "." + topic, topic, Duration.ofSeconds(5));
		}
	}

}
