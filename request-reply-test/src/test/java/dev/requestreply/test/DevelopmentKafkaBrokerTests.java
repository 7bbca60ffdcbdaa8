package dev.requestreply.test;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.kafka.bootstrap-servers} set, {@link DevelopmentKafkaBroker} starts nothing.
 * (With it not set, {@code com.example.greeter.GreeterApplicationTests} runs an application on the
 * broker.)
 */
class DevelopmentKafkaBrokerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(DevelopmentKafkaBroker.class);

	private final ContextConsumer<AssertableApplicationContext> noBroker = (context) -> assertThat(context)
		.hasNotFailed()
		.doesNotHaveBean(EmbeddedKafkaKraftBroker.class)
		.doesNotHaveBean(KafkaConnectionDetails.class);

	@Test
	void whenBootstrapServersSetThenNoBrokerStarts() {
		this.contextRunner.withPropertyValues("spring.kafka.bootstrap-servers=kafka.example.com:9092")
			.run(this.noBroker);
	}

	@Test
	void whenBootstrapServersSetInTheEnvironmentThenNoBrokerStarts() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("environment",
						Map.of("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka.example.com:9092"))))
			.run(this.noBroker);
	}

}
