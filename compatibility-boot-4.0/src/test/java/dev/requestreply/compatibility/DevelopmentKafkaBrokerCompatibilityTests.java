package dev.requestreply.compatibility;

import java.time.Duration;

import dev.requestreply.RequestReplyOperations;
import dev.requestreply.compatibility.PricingApplication.Quote;
import dev.requestreply.compatibility.PricingApplication.QuoteRequest;
import dev.requestreply.test.DevelopmentKafkaBroker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test kit's {@link DevelopmentKafkaBroker}, built on Spring Boot 4.1, in an application on
 * Spring Boot 4.0 (Kafka 4.1), run as a development main class runs it: the application answers
 * through it, Kafka's storage formatting prints nothing, and it starts nothing when
 * {@code spring.kafka.bootstrap-servers} is set.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevelopmentKafkaBrokerCompatibilityTests {

	private static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";

	private @Nullable String bootstrapServers;

	// The broker of an @EmbeddedKafka test class run before in this JVM leaves its address in this
	// system property; an application run from a development main class has none.
	@BeforeEach
	void clearBootstrapServers() {
		this.bootstrapServers = System.clearProperty(BOOTSTRAP_SERVERS);
	}

	@AfterEach
	void restoreBootstrapServers() {
		if (this.bootstrapServers != null) {
			System.setProperty(BOOTSTRAP_SERVERS, this.bootstrapServers);
		}
	}

	@Test
	void whenRunWithTheDevelopmentBrokerThenTheApplicationAnswersThroughIt(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = SpringApplication.from(PricingApplication::main)
			.with(DevelopmentKafkaBroker.class)
			.run("--spring.main.web-application-type=none", "--spring.application.name=compat-development")
			.getApplicationContext()) {
			assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
			assertThat(context.getBean(KafkaConnectionDetails.class).getBootstrapServers())
				.containsExactly(context.getBean(EmbeddedKafkaKraftBroker.class).getBrokersAsString());
			Quote quote = context.getBean(RequestReplyOperations.class)
				.requestAndWait("compat-quote", new QuoteRequest("ACME"), Quote.class, Duration.ofSeconds(20));
			assertThat(quote).isEqualTo(new Quote("ACME", 123.45));
			// Kafka 4.1's storage formatting, silenced as Kafka 4.2's.
			assertThat(output.getOut()).contains("Started an embedded Kafka broker at localhost:")
				.doesNotContain("Bootstrap metadata")
				.doesNotContain("Formatting metadata directory");
		}
	}

	@Test
	void whenBootstrapServersSetThenNoBrokerStarts() {
		new ApplicationContextRunner().withUserConfiguration(DevelopmentKafkaBroker.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=kafka.example.com:9092")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EmbeddedKafkaKraftBroker.class)
				.doesNotHaveBean(KafkaConnectionDetails.class));
	}

}
