package dev.requestreply.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.durable.DurableListeners;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.durable.DurableSettings;
import dev.requestreply.wire.HeaderNames;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.StringUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of
 * durable requests: finds the {@code @DurableReplyListener} methods and gives the
 * {@link RequestReplyTemplate} its {@link DurableRequests}.
 *
 * @since 0.4.0
 */
@AutoConfiguration(after = RequestReplyAutoConfiguration.class)
@ConditionalOnBean(RequestReplyKafkaClients.class)
public final class DurableRequestsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static DurableListeners durableListeners() {
		return new DurableListeners();
	}

	@Bean
	@ConditionalOnMissingBean
	DurableRequests durableRequests(RequestReplyKafkaClients clients, PayloadConverter converter,
			RequestReplyProperties properties, Environment environment, DurableListeners listeners,
			ObjectProvider<RequestReplyTemplate> template, ProducerFactory<?, ?> producerFactory,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		// With spring.kafka.producer.transaction-id-prefix, each outcome ends in one transaction.
		DurableRequests durable = new DurableRequests(settings(properties, environment), listeners,
				clients.getKafkaTemplate(), clients.getHandlerConsumerFactory(), clients.getAdminConfig(), converter,
				producerFactory);
		RequestReplyAutoConfiguration.observationRegistry(properties, observationRegistry)
			.ifPresent(durable::setObservationRegistry);
		template.ifAvailable((available) -> available.setDurableRequests(durable));
		return durable;
	}

	static DurableSettings settings(RequestReplyProperties properties, Environment environment) {
		RequestReplyProperties.Durable durable = properties.getDurable();
		String applicationName = environment.getProperty("spring.application.name");
		String prefix = StringUtils.hasText(applicationName) ? applicationName : "request-reply";
		Map<String, HeaderNames> headerNames = new HashMap<>();
		properties.getTopics()
			.forEach((topic, names) -> headerNames.put(topic, RequestReplyAutoConfiguration.headerNames(names)));
		return new DurableSettings(
				StringUtils.hasText(durable.getReplyTopic()) ? durable.getReplyTopic() : prefix + "-durable-replies",
				StringUtils.hasText(durable.getPendingTopic()) ? durable.getPendingTopic()
						: prefix + "-durable-pending",
				prefix + "-durable", durable.isCreateTopics(), durable.getTopicPartitions(),
				durable.getTopicReplicationFactor(), durable.getDefaultTimeout(), properties.getStartupTimeout(),
				headerNames);
	}

}
