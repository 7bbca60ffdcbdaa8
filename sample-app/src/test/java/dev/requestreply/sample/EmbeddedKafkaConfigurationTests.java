package dev.requestreply.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.kafka.bootstrap-servers} set, the sample starts no broker of its own.
 */
class EmbeddedKafkaConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(EmbeddedKafkaConfiguration.class);

	@Test
	void whenBootstrapServersSetThenNoEmbeddedBroker() {
		this.contextRunner.withPropertyValues("spring.kafka.bootstrap-servers=kafka.example.com:9092")
			.run((context) -> assertThat(context).doesNotHaveBean(EmbeddedKafkaKraftBroker.class)
				.doesNotHaveBean(KafkaConnectionDetails.class));
	}

}
