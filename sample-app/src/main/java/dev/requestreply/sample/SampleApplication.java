package dev.requestreply.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A pricing service that answers quote requests over Kafka, and an HTTP front end that asks it.
 * By default one process plays both parts; the {@code responder} and {@code requester} profiles
 * run one part each.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
