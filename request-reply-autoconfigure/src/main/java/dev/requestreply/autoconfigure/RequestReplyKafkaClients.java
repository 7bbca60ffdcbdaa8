package dev.requestreply.autoconfigure;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The Kafka clients of request-reply, derived from the configuration of Spring Boot's own
 * producer, consumer and admin factories (so that {@code spring.kafka.*}, including SSL and SASL,
 * applies unchanged) with byte serialisation, and with request-reply's own overrides on top.
 * Kept in one bean of its own type so that they never compete with the application's
 * {@code ProducerFactory} and {@code ConsumerFactory} beans.
 */
class RequestReplyKafkaClients implements DisposableBean {

	/**
	 * The reply consumers' {@code metadata.max.age.ms} unless set: how soon they see partitions
	 * added to the reply topic.
	 */
	static final int REPLY_METADATA_MAX_AGE_MS = 10_000;

	private final DefaultKafkaProducerFactory<byte[], byte[]> producerFactory;

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final DefaultKafkaConsumerFactory<ByteBuffer, ByteBuffer> replyConsumerFactory;

	private final DefaultKafkaConsumerFactory<byte[], byte[]> handlerConsumerFactory;

	private final Map<String, Object> adminConfig;

	private final @Nullable DefaultKafkaProducerFactory<byte[], byte[]> transactionalProducerFactory;

	/**
	 * Create the clients.
	 * @param producerConfig the configuration of the application's producer factory
	 * @param consumerConfig the configuration of the application's consumer factory
	 * @param adminConfig the configuration of the application's Kafka admin
	 * @param properties the request-reply properties
	 */
	RequestReplyKafkaClients(Map<String, Object> producerConfig, Map<String, Object> consumerConfig,
			Map<String, Object> adminConfig, RequestReplyProperties properties) {
		this(producerConfig, consumerConfig, adminConfig, properties, null);
	}

	/**
	 * Create the clients; with a transaction id prefix, handlers reply in transactions and the
	 * reply consumer reads committed replies only.
	 * @param producerConfig the configuration of the application's producer factory
	 * @param consumerConfig the configuration of the application's consumer factory
	 * @param adminConfig the configuration of the application's Kafka admin
	 * @param properties the request-reply properties
	 * @param transactionIdPrefix the transaction id prefix of the application's producer
	 * factory, or {@code null}
	 */
	RequestReplyKafkaClients(Map<String, Object> producerConfig, Map<String, Object> consumerConfig,
			Map<String, Object> adminConfig, RequestReplyProperties properties, @Nullable String transactionIdPrefix) {
		// Requests need no transaction: only handlers' replies are sent in one.
		this.producerFactory = new DefaultKafkaProducerFactory<>(producerConfig(producerConfig, properties));
		this.kafkaTemplate = new KafkaTemplate<>(this.producerFactory);
		this.transactionalProducerFactory = (transactionIdPrefix != null)
				? transactionalProducerFactory(producerConfig, properties, transactionIdPrefix) : null;
		this.replyConsumerFactory = new DefaultKafkaConsumerFactory<>(
				replyConsumerConfig(consumerConfig, properties, transactionIdPrefix != null));
		this.handlerConsumerFactory = new DefaultKafkaConsumerFactory<>(
				handlerConsumerConfig(consumerConfig, properties));
		this.adminConfig = Map.copyOf(adminConfig);
	}

	static Map<String, Object> producerConfig(Map<String, Object> base, RequestReplyProperties properties) {
		Map<String, Object> config = new HashMap<>(base);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		// Kafka 4 lingers 5 ms by default; a request waits for its reply, so send at once unless
		// the user chose otherwise.
		config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
		// The producer's default of 60 s for metadata would let an unreachable broker or a missing
		// topic block a request (or a handler's reply) for a minute.
		config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
		config.putAll(properties.getProducerProperties());
		config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		return config;
	}

	private static DefaultKafkaProducerFactory<byte[], byte[]> transactionalProducerFactory(Map<String, Object> base,
			RequestReplyProperties properties, String transactionIdPrefix) {
		Map<String, Object> config = producerConfig(base, properties);
		// An open transaction (a stream being sent) of a responder that died holds back every
		// read_committed reader of the reply partitions it wrote to until the broker aborts it.
		config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
				(int) Math.min(Integer.MAX_VALUE, properties.getHandler().getTransactionTimeout().toMillis()));
		DefaultKafkaProducerFactory<byte[], byte[]> factory = new DefaultKafkaProducerFactory<>(config);
		// A prefix of its own, so that its producers never fence the application's.
		factory.setTransactionIdPrefix(transactionIdPrefix + "request-reply-");
		return factory;
	}

	static Map<String, Object> replyConsumerConfig(Map<String, Object> base, RequestReplyProperties properties) {
		return replyConsumerConfig(base, properties, false);
	}

	static Map<String, Object> replyConsumerConfig(Map<String, Object> base, RequestReplyProperties properties,
			boolean readCommitted) {
		Map<String, Object> config = new HashMap<>(base);
		// No consumer group: the reply consumer is assigned every partition and never commits.
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
		// Partitions added to the reply topic are read within this (Kafka's default is 5 minutes).
		config.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, REPLY_METADATA_MAX_AGE_MS);
		if (readCommitted) {
			// Replies of aborted transactions (a handler's attempt that did not commit) are skipped.
			config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		}
		config.putAll(properties.getReplyConsumerProperties());
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
		return config;
	}

	static Map<String, Object> handlerConsumerConfig(Map<String, Object> base, RequestReplyProperties properties) {
		Map<String, Object> config = new HashMap<>(base);
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		// A new handler group answers the requests sent before any responder was up.
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.putAll(properties.getHandler().getConsumerProperties());
		String instanceId = properties.getHandler().getGroupInstanceId();
		if (instanceId != null && !instanceId.isBlank()) {
			// Static membership: each handler's container adds its id to it.
			config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
		}
		// After the user's settings, which it never overrides, so that it sees their group protocol.
		HandlerConsumerDefaults.applyTo(config);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.remove(CommonClientConfigs.CLIENT_ID_CONFIG);
		return config;
	}

	/**
	 * Return the factory of the producer that sends requests and replies.
	 * @return the producer factory
	 */
	DefaultKafkaProducerFactory<byte[], byte[]> getProducerFactory() {
		return this.producerFactory;
	}

	/**
	 * Return the template that sends requests and replies.
	 * @return the template
	 */
	KafkaTemplate<byte[], byte[]> getKafkaTemplate() {
		return this.kafkaTemplate;
	}

	/**
	 * Return the factory of the transactional producers handlers reply with, or {@code null}
	 * without transactions.
	 * @return the transactional producer factory, or {@code null}
	 */
	@Nullable DefaultKafkaProducerFactory<byte[], byte[]> getTransactionalProducerFactory() {
		return this.transactionalProducerFactory;
	}

	/**
	 * Return the factory of the reply consumer.
	 * @return the reply consumer factory
	 */
	DefaultKafkaConsumerFactory<ByteBuffer, ByteBuffer> getReplyConsumerFactory() {
		return this.replyConsumerFactory;
	}

	/**
	 * Return the factory of the handlers' consumers.
	 * @return the handler consumer factory
	 */
	DefaultKafkaConsumerFactory<byte[], byte[]> getHandlerConsumerFactory() {
		return this.handlerConsumerFactory;
	}

	/**
	 * Return the configuration of the admin client that prepares the reply topic.
	 * @return the admin configuration
	 */
	Map<String, Object> getAdminConfig() {
		return this.adminConfig;
	}

	@Override
	public void destroy() {
		this.producerFactory.destroy();
		if (this.transactionalProducerFactory != null) {
			this.transactionalProducerFactory.destroy();
		}
	}

}
