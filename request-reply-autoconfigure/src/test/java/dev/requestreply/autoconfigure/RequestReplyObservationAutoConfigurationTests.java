package dev.requestreply.autoconfigure;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.TestBroker;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.requester.RequesterEngine;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the template that sends requests and replies, the round trips and the handler containers
 * are observed: decided when the beans are created.
 */
class RequestReplyObservationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
				RequestReplyAutoConfiguration.class, ReplyHandlerAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("observation-replies"));

	private static boolean observed(RequestReplyKafkaClients clients) {
		return (boolean) ReflectionTestUtils.getField(clients.getKafkaTemplate(), "observationEnabled");
	}

	private static Object observationRegistry(Object bean) {
		if (bean instanceof RequestReplyTemplate template) {
			RequesterEngine engine = (RequesterEngine) ReflectionTestUtils.getField(template, "engine");
			return engine.settings().observationRegistry();
		}
		return ReflectionTestUtils.getField(bean, "observationRegistry");
	}

	@Test
	void whenObservationRegistryPresentThenEverythingIsObservedWithIt() {
		ObservationRegistry registry = ObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry).run((context) -> {
			RequestReplyKafkaClients clients = context.getBean(RequestReplyKafkaClients.class);
			assertThat(observed(clients)).isTrue();
			assertThat(observationRegistry(clients.getKafkaTemplate())).isSameAs(registry);
			assertThat(observationRegistry(context.getBean(RequestReplyTemplate.class))).isSameAs(registry);
			assertThat(observationRegistry(context.getBean(ReplyHandlerContainers.class))).isSameAs(registry);
		});
	}

	@Test
	void whenObservationDisabledThenNothingIsObserved() {
		this.contextRunner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withPropertyValues("request-reply.observation.enabled=false")
			.run((context) -> {
				assertThat(observed(context.getBean(RequestReplyKafkaClients.class))).isFalse();
				assertThat(observationRegistry(context.getBean(RequestReplyTemplate.class)))
					.isSameAs(ObservationRegistry.NOOP);
				assertThat(observationRegistry(context.getBean(ReplyHandlerContainers.class)))
					.isSameAs(ObservationRegistry.NOOP);
			});
	}

	@Test
	void whenNoObservationRegistryThenNothingIsObserved() {
		this.contextRunner.run((context) -> {
			assertThat(observed(context.getBean(RequestReplyKafkaClients.class))).isFalse();
			assertThat(observationRegistry(context.getBean(RequestReplyTemplate.class)))
				.isSameAs(ObservationRegistry.NOOP);
		});
	}

}
