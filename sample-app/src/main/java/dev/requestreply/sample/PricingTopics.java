package dev.requestreply.sample;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The request topics of the pricing service, created on start-up by Spring Boot's
 * {@code KafkaAdmin} when missing. The quote topics have {@value #PARTITIONS} partitions so that
 * two or more responders share the work (a partition is read by one responder of a group).
 */
@Configuration(proxyBeanMethods = false)
class PricingTopics {

	static final int PARTITIONS = 4;

	@Bean
	NewTopic quoteTopic(@Value("${pricing.topics.quote}") String name) {
		return TopicBuilder.name(name).partitions(PARTITIONS).build();
	}

	@Bean
	NewTopic deepQuoteTopic(@Value("${pricing.topics.deep-quote}") String name) {
		return TopicBuilder.name(name).partitions(PARTITIONS).build();
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
