package com.example.greeter;

import java.nio.file.Path;

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
 * The application of docs/getting-started.md, as its reader writes it, run as its development
 * main class ({@link TestGreeterApplication}, {@code spring-boot:test-run}) runs it: it asks its own
 * handler through the development broker and logs the first reply; Kafka says little, and the
 * broker's files are gone once the application has stopped.
 */
@ExtendWith(OutputCaptureExtension.class)
class GreeterApplicationTests {

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
	void whenRunWithTheDevelopmentBrokerThenItLogsItsFirstReplyQuietlyAndCleansUpOnStop(CapturedOutput output) {
		ConfigurableApplicationContext context = SpringApplication.from(GreeterApplication::main)
			.with(DevelopmentKafkaBroker.class)
			.run("--spring.main.web-application-type=none", "--spring.application.name=greeter",
					// An application that configures none of Kafka's loggers, but one.
					"--logging.config=classpath:logback-without-kafka-levels.xml",
					"--logging.level.state.change.logger=error")
			.getApplicationContext();
		Path brokerFiles;
		try {
			assertThat(output).contains("Reply: Hello, Ada!");
			EmbeddedKafkaKraftBroker broker = context.getBean(EmbeddedKafkaKraftBroker.class);
			assertThat(context.getBean(KafkaConnectionDetails.class).getBootstrapServers())
				.containsExactly(broker.getBrokersAsString());

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
