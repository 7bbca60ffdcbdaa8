package dev.requestreply.autoconfigure;

import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the template that sends requests and replies is observed.
 */
class RequestReplyObservationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RequestReplyObservationAutoConfiguration.class))
		.withBean(RequestReplyKafkaClients.class,
				() -> new RequestReplyKafkaClients(Map.of(), Map.of(), Map.of(), new RequestReplyProperties()));

	private static boolean observed(RequestReplyKafkaClients clients) {
		return (boolean) ReflectionTestUtils.getField(clients.getKafkaTemplate(), "observationEnabled");
	}

	@Test
	void whenObservationRegistryPresentThenTemplateIsObservedWithIt() {
		ObservationRegistry registry = ObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry).run((context) -> {
			RequestReplyKafkaClients clients = context.getBean(RequestReplyKafkaClients.class);
			assertThat(observed(clients)).isTrue();
			assertThat(ReflectionTestUtils.getField(clients.getKafkaTemplate(), "observationRegistry"))
				.isSameAs(registry);
		});
	}

	@Test
	void whenObservationDisabledThenTemplateIsNotObserved() {
		this.contextRunner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withPropertyValues("request-reply.observation.enabled=false")
			.run((context) -> assertThat(observed(context.getBean(RequestReplyKafkaClients.class))).isFalse());
	}

	@Test
	void whenNoObservationRegistryThenTemplateIsNotObserved() {
		this.contextRunner
			.run((context) -> assertThat(observed(context.getBean(RequestReplyKafkaClients.class))).isFalse());
	}

}
