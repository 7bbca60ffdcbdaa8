// tag::application[]
package com.example.greeter;

import java.time.Duration;

import dev.requestreply.RequestReplyOperations;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;

@SpringBootApplication
public class GreeterApplication {

	private static final Logger logger = LoggerFactory.getLogger(GreeterApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(GreeterApplication.class, args);
	}

	// The request topic, created at start-up if it is missing.
	@Bean
	NewTopic greetings() {
		return TopicBuilder.name("greetings").build();
	}

	// The requester: once started, ask the topic and log the reply.
	@Bean
	ApplicationRunner askOnce(RequestReplyOperations requestReply) {
		return (args) -> {
			String reply = requestReply.requestAndWait("greetings", "Ada", String.class, Duration.ofSeconds(10));
			logger.info("Reply: {}", reply);
		};
	}

}
// end::application[]
