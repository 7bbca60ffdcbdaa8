package dev.requestreply.responder;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.ReplyTopicPolicy;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.TaskDecorator;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What every handler of an application shares.
 *
 * @param converter the payload converter
 * @param replyTopicPolicy the topics replies may be sent to
 * @param observationRegistry the registry requests are observed with (the no-op one for none)
 * @param taskDecorator the application's task decorator for the handler threads, or {@code null}
 * @param transactionTemplate the template of the transactional reply producers, or {@code null}
 * to reply without transactions
 * @param replyTopics what is known of the reply topics requests name
 */
record ResponderShared(PayloadConverter converter, ReplyTopicPolicy replyTopicPolicy,
		ObservationRegistry observationRegistry, @Nullable TaskDecorator taskDecorator,
		@Nullable KafkaTemplate<byte[], byte[]> transactionTemplate, ReplyTopics replyTopics) {

	/**
	 * Return the template of the transactional reply producers, or {@code null} without a
	 * transactional producer factory.
	 * @param clients the handlers' Kafka clients
	 * @param observationRegistry the registry requests are observed with (the no-op one for none)
	 */
	static @Nullable KafkaTemplate<byte[], byte[]> transactionTemplate(ResponderClients clients,
			ObservationRegistry observationRegistry) {
		if (clients.transactionalProducerFactory() == null) {
			return null;
		}
		KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(clients.transactionalProducerFactory());
		if (!observationRegistry.isNoop()) {
			template.setObservationRegistry(observationRegistry);
			template.setObservationEnabled(true);
		}
		return template;
	}

}
