package dev.requestreply.sample;

import dev.requestreply.test.DevelopmentKafkaBroker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * A pricing service that answers quote requests over Kafka, and an HTTP front end that asks it.
 * By default one process plays both parts; the {@code responder} and {@code requester} profiles
 * run one part each.
 * <p>
 * Without {@code spring.kafka.bootstrap-servers}, the sample starts a Kafka broker inside its
 * process ({@link DevelopmentKafkaBroker}, from the test kit), so that it runs without a Kafka
 * installation, from {@code spring-boot:run} and from its jar alike. An application of your own
 * keeps that broker out of its production jar: see docs/getting-started.md.
 */
@SpringBootApplication
@Import(DevelopmentKafkaBroker.class)
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
