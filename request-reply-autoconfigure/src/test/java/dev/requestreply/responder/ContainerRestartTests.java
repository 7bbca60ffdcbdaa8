package dev.requestreply.responder;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.TestApps;
import dev.requestreply.TestBroker;
import dev.requestreply.TestGroupOffsets;
import dev.requestreply.TestResponders.EchoApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler's listener container stopped and started again while its application runs (as an
 * operator may, through {@code ReplyHandlerContainers.getContainers()}): its new consumers take
 * over, and nothing of the old ones stays behind.
 */
class ContainerRestartTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenAHandlersContainerIsRestartedThenItsOldConsumersAreForgottenAndItsNewOneCommits() throws Exception {
		String topic = TestBroker.createTopic("restart-requests", 1);
		String group = TestBroker.uniqueTopic("restart-group");
		ConfigurableApplicationContext context = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"test.topic=" + topic, "request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("restart-replies"));
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		ServedHandler handler = Objects.requireNonNull(context.getBean(ResponderContainers.class).served("echo.echo"));
		ConcurrentMessageListenerContainer<byte[], byte[]> container = Objects.requireNonNull(handler.container());
		assertThat(template.request(topic, "before", String.class).get(30, TimeUnit.SECONDS)).isEqualTo("echo:before");
		for (int restart = 1; restart <= 2; restart++) {
			container.stop();
			container.start();
			TestApps.awaitHandlersAssigned(context);
			assertThat(template.request(topic, "after" + restart, String.class).get(30, TimeUnit.SECONDS))
				.isEqualTo("echo:after" + restart);
		}
		// One consumer (the handler's concurrency): the ledgers of the stopped ones are gone.
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(handler.pump().consumers()).hasSize(1));
		try (TestGroupOffsets offsets = new TestGroupOffsets()) {
			offsets.awaitCommittedToEnd(group + "." + topic, topic, Duration.ofSeconds(10));
		}
	}

}
