package dev.requestreply.responder;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.kafka.listener.ContainerProperties;

/**
 * Static membership of the handlers' consumers ({@code request-reply.handler.group-instance-id}):
 * each handler's container gets an instance id of its own, the one set followed by the handler's
 * id, so that two handlers of one instance sharing a group never fence each other; Spring Kafka
 * then adds each consumer's suffix ({@code -0}, {@code -1}, ...).
 */
final class StaticMembership {

	private StaticMembership() {
	}

	/**
	 * Give a handler's container its instance id, when its consumers' configuration has one.
	 * @param container the container's properties
	 * @param consumerConfig the handlers' consumer configuration
	 * @param handlerId the handler's id
	 */
	static void apply(ContainerProperties container, Map<String, Object> consumerConfig, String handlerId) {
		Object instanceId = consumerConfig.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		if (instanceId != null && !instanceId.toString().isBlank()) {
			container.getKafkaConsumerProperties()
				.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId.toString().trim() + "." + handlerId);
		}
	}

}
