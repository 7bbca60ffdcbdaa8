package dev.requestreply.responder;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.Assert;

/**
 * The Kafka clients of the handlers, derived from Spring Boot's ({@code spring.kafka.*}).
 *
 * @param consumerFactory the factory of the handlers' consumers (byte array values)
 * @param template the template replies are sent with
 * @param transactionalProducerFactory the factory of transactional reply producers, or
 * {@code null} to reply without transactions
 * @param adminConfig the configuration of the admin client that prepares and describes share
 * groups (queue mode)
 * @since 0.3.0
 */
public record ResponderClients(ConsumerFactory<byte[], byte[]> consumerFactory, KafkaTemplate<byte[], byte[]> template,
		@Nullable ProducerFactory<byte[], byte[]> transactionalProducerFactory,
		@Nullable Map<String, Object> adminConfig) {

	/**
	 * Create the clients; an admin client, when queue mode needs one, takes the consumers'
	 * connection settings.
	 * @param consumerFactory the consumer factory
	 * @param template the reply template
	 * @param transactionalProducerFactory the transactional producer factory, or {@code null}
	 */
	public ResponderClients(ConsumerFactory<byte[], byte[]> consumerFactory, KafkaTemplate<byte[], byte[]> template,
			@Nullable ProducerFactory<byte[], byte[]> transactionalProducerFactory) {
		this(consumerFactory, template, transactionalProducerFactory, null);
	}

	/**
	 * Check the clients.
	 * @param consumerFactory the consumer factory
	 * @param template the reply template
	 * @param transactionalProducerFactory the transactional producer factory, or {@code null}
	 * @param adminConfig the admin configuration, or {@code null} for the consumers' own
	 */
	public ResponderClients {
		Assert.notNull(consumerFactory, "'consumerFactory' must not be null");
		Assert.notNull(template, "'template' must not be null");
		Assert.isTrue(transactionalProducerFactory == null || transactionalProducerFactory.transactionCapable(),
				"'transactionalProducerFactory' must be transactional");
	}

	Map<String, Object> adminConfigOrConsumers() {
		return (this.adminConfig != null) ? this.adminConfig : consumerConfig();
	}

	Map<String, Object> consumerConfig() {
		return this.consumerFactory.getConfigurationProperties();
	}

}
