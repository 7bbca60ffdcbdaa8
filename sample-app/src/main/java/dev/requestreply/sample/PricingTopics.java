package dev.requestreply.sample;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The request topics of the pricing service, created on start-up by Spring Boot's
 * {@code KafkaAdmin} when missing. The quote topics have {@value #PARTITIONS} partitions so that
 * two or more responders share the work (a partition is read by one responder of a group); in
 * queue mode ({@code request-reply.handler.queue=true}) one, which every share consumer of every
 * responder reads ({@code pricing.topics.partitions} sets the number either way).
 */
@Configuration(proxyBeanMethods = false)
class PricingTopics {

	static final int PARTITIONS = 4;

	@Bean
	NewTopic quoteTopic(@Value("${pricing.topics.quote}") String name, Environment environment) {
		return TopicBuilder.name(name).partitions(partitions(environment)).build();
	}

	@Bean
	NewTopic deepQuoteTopic(@Value("${pricing.topics.deep-quote}") String name, Environment environment) {
		return TopicBuilder.name(name).partitions(partitions(environment)).build();
	}

	/**
	 * Partitions of the quote topics: a consumer group needs one per responder, a share group
	 * needs one (Kafka's share assignor gives each partition to some share consumers only, maybe
	 * all in one responder).
	 */
	static int partitions(Environment environment) {
		boolean queue = environment.getProperty("request-reply.handler.queue", Boolean.class, false);
		return environment.getProperty("pricing.topics.partitions", Integer.class, queue ? 1 : PARTITIONS);
	}

	@Bean
	NewTopic reportTopic(@Value("${pricing.topics.report}") String name) {
		return TopicBuilder.name(name).build();
	}

	@Bean
	NewTopic historyTopic(@Value("${pricing.topics.history}") String name) {
		return TopicBuilder.name(name).build();
	}

	@Bean
	NewTopic venuesTopic(@Value("${pricing.topics.venues}") String name) {
		return TopicBuilder.name(name).build();
	}

}
