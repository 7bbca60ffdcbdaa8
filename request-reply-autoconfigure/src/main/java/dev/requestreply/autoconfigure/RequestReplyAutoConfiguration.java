package dev.requestreply.autoconfigure;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.convert.PayloadConverter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the requester side of request-reply: the {@link RequestReplyTemplate},
 * its {@link CorrelationRegistry} and the Kafka clients they share with the handlers.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBooleanProperty(name = "request-reply.enabled", matchIfMissing = true)
@ConditionalOnBean({ ProducerFactory.class, ConsumerFactory.class, KafkaAdmin.class })
@EnableConfigurationProperties(RequestReplyProperties.class)
public final class RequestReplyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PayloadConverter requestReplyPayloadConverter(ObjectProvider<JsonMapper> jsonMapper) {
		return new PayloadConverter(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	RequestReplyKafkaClients requestReplyKafkaClients(ProducerFactory<?, ?> producerFactory,
			ConsumerFactory<?, ?> consumerFactory, KafkaAdmin kafkaAdmin, RequestReplyProperties properties,
			ObjectProvider<DefaultKafkaProducerFactoryCustomizer> producerCustomizers) {
		RequestReplyKafkaClients clients = new RequestReplyKafkaClients(producerFactory.getConfigurationProperties(),
				consumerFactory.getConfigurationProperties(), kafkaAdmin.getConfigurationProperties(), properties);
		producerCustomizers.orderedStream().forEach((customizer) -> customizer.customize(clients.getProducerFactory()));
		return clients;
	}

	@Bean
	@ConditionalOnMissingBean
	CorrelationRegistry correlationRegistry(RequestReplyProperties properties) {
		return new CorrelationRegistry(java.time.Duration.ofMillis(10), properties.getMaxPending(),
				properties.getLateReplyWindow());
	}

	@Bean
	@ConditionalOnMissingBean
	RequestReplyTemplate requestReplyTemplate(RequestReplyKafkaClients clients, CorrelationRegistry registry,
			PayloadConverter converter, RequestReplyProperties properties, Environment environment) {
		RequestReplyTemplate template = new RequestReplyTemplate(clients.getKafkaTemplate(),
				clients.getReplyConsumerFactory(), clients.getAdminConfig(), registry, converter,
				replyTopic(properties, environment));
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getDefaultTimeout).to(template::setDefaultTimeout);
		map.from(properties::getInstanceId).whenHasText().to(template::setInstanceId);
		map.from(properties::isCreateReplyTopic).to(template::setCreateReplyTopic);
		map.from(properties::getReplyTopicPartitions).to(template::setReplyTopicPartitions);
		map.from(properties::getReplyTopicReplicationFactor).to(template::setReplyTopicReplicationFactor);
		map.from(properties::getStartupTimeout).to(template::setStartupTimeout);
		map.from(properties::getDrainTimeout).to(template::setDrainTimeout);
		return template;
	}

	static String replyTopic(RequestReplyProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getReplyTopic())) {
			return properties.getReplyTopic();
		}
		String applicationName = environment.getProperty("spring.application.name");
		return (StringUtils.hasText(applicationName) ? applicationName : "request-reply") + "-replies";
	}

}
