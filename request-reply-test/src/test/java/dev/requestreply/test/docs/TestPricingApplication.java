package dev.requestreply.test.docs;

import dev.requestreply.test.DevelopmentKafkaBroker;

import org.springframework.boot.SpringApplication;

/**
 * docs/getting-started.md's development main class: the application with a Kafka broker of its
 * own, run by {@code spring-boot:test-run}. {@link TestPricingApplicationTests} runs it.
 */
// tag::main[]
public class TestPricingApplication {

	public static void main(String[] args) {
		SpringApplication.from(PricingApplication::main).with(DevelopmentKafkaBroker.class).run(args);
	}

}
// end::main[]
