package dev.requestreply.autoconfigure;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.observation.RequestReplyObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Auto-configuration of request-reply's Micrometer observations, with the application's
 * {@link ObservationRegistry}: the round trip of each request
 * ({@link dev.requestreply.observation.RequestReplyObservation#REQUEST}), and Spring Kafka's own
 * observations of the template that sends requests and replies and of the
 * {@link dev.requestreply.ReplyHandler @ReplyHandler} containers. With a tracer, the trace context travels in the record headers, so
 * the span of a handler is a child of the requester's span.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { RequestReplyAutoConfiguration.class, ReplyHandlerAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, RequestReplyKafkaClients.class })
@ConditionalOnBooleanProperty(name = "request-reply.observation.enabled", matchIfMissing = true)
public final class RequestReplyObservationAutoConfiguration {

	@Bean
	static SmartInitializingSingleton requestReplyObservationInitializer(
			ObjectProvider<RequestReplyKafkaClients> clients, ObjectProvider<ReplyHandlerContainers> handlerContainers,
			ObjectProvider<RequestReplyTemplate> template,
			ObjectProvider<RequestReplyObservationConvention> convention,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		// Runs after all singletons exist and before any lifecycle starts: before the first send,
		// and before the handler containers are created.
		return () -> observationRegistry.ifUnique((registry) -> {
			clients.ifUnique((kafkaClients) -> {
				KafkaTemplate<byte[], byte[]> kafkaTemplate = kafkaClients.getKafkaTemplate();
				kafkaTemplate.setObservationRegistry(registry);
				kafkaTemplate.setObservationEnabled(true);
			});
			handlerContainers.ifUnique((containers) -> containers.setObservationRegistry(registry));
			template.ifUnique((requestReplyTemplate) -> {
				requestReplyTemplate.setObservationRegistry(registry);
				convention.ifUnique(requestReplyTemplate::setObservationConvention);
			});
		});
	}

}
