package dev.requestreply.test.docs;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;

import dev.requestreply.RequestReplyOperations;
import dev.requestreply.test.DevelopmentKafkaBroker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/getting-started.md's development main class ({@link TestPricingApplication}) run as
 * {@code spring-boot:test-run} runs it: the application answers through a broker of its own, and
 * says little about it.
 */
@ExtendWith(OutputCaptureExtension.class)
class TestPricingApplicationTests {

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
	void whenRunWithTheDevelopmentBrokerThenItAnswersThroughItQuietlyAndCleansUpOnClose(CapturedOutput output)
			throws Exception {
		ConfigurableApplicationContext context = SpringApplication.from(PricingApplication::main)
			.with(DevelopmentKafkaBroker.class)
			.run("--spring.main.web-application-type=none", "--spring.application.name=pricing-development",
					// An application that configures none of Kafka's loggers, but one.
					"--logging.config=classpath:logback-without-kafka-levels.xml",
					"--logging.level.state.change.logger=error")
			.getApplicationContext();
		Path brokerFiles;
		try {
			EmbeddedKafkaKraftBroker broker = context.getBean(EmbeddedKafkaKraftBroker.class);
			assertThat(context.getBean(KafkaConnectionDetails.class).getBootstrapServers())
				.containsExactly(broker.getBrokersAsString());
			Quote quote = context.getBean(RequestReplyOperations.class)
				.requestAndWait("pricing-quote", "ACME", Quote.class, Duration.ofSeconds(20));
			assertThat(quote.price()).isEqualByComparingTo(new BigDecimal("123.45"));

			LoggingSystem logging = context.getBean(LoggingSystem.class);
			assertThat(logging.getLoggerConfiguration("kafka").getConfiguredLevel()).isEqualTo(LogLevel.WARN);
			assertThat(logging.getLoggerConfiguration("org.apache.kafka").getConfiguredLevel())
				.isEqualTo(LogLevel.WARN);
			assertThat(logging.getLoggerConfiguration("state.change.logger").getConfiguredLevel())
				.as("a level the application sets is kept")
				.isEqualTo(LogLevel.ERROR);
			assertThat(output.getOut()).contains("Started an embedded Kafka broker at " + broker.getBrokersAsString())
				.doesNotContain("Bootstrap metadata")
				.doesNotContain("Formatting metadata directory")
				.doesNotContain("KafkaConfig values");
			brokerFiles = Path.of(broker.getCluster().nodes().baseDirectory());
			assertThat(brokerFiles).isDirectory();
		}
		finally {
			context.close();
		}
		assertThat(brokerFiles).as("the broker's directories, deleted once it has stopped").doesNotExist();
	}

}
