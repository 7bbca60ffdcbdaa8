package dev.requestreply.durable;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

/**
 * The serializer of the producers that end outcomes in transactions: the application's own
 * serializer for what the application's {@code KafkaTemplate} sends inside the transaction, and
 * the bytes as they are for the library's own records (their keys wrapped in {@link Raw}).
 */
final class OutcomeSerializer implements Serializer<Object> {

	private @Nullable Serializer<Object> delegate;

	private final boolean configureDelegate;

	/**
	 * @param delegate the application's serializer, or {@code null} to create the one its
	 * configuration names
	 * @param configureDelegate whether to configure a given delegate with the producer's
	 * configuration (as the application's producer factory would)
	 */
	@SuppressWarnings("unchecked")
	OutcomeSerializer(@Nullable Serializer<?> delegate, boolean configureDelegate) {
		this.delegate = (Serializer<Object>) delegate;
		this.configureDelegate = configureDelegate;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void configure(Map<String, ?> configs, boolean isKey) {
		Serializer<Object> given = this.delegate;
		if (given == null) {
			Object named = configs
				.get(isKey ? ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG : ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
			Serializer<Object> created;
			try {
				created = (named instanceof Class<?> type) ? (Serializer<Object>) Utils.newInstance(type, Serializer.class)
						: (Serializer<Object>) Utils.newInstance(String.valueOf(named), Serializer.class);
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException("Serializer " + named + " not found", ex);
			}
			created.configure(configs, isKey);
			this.delegate = created;
		}
		else if (this.configureDelegate) {
			given.configure(configs, isKey);
		}
	}

	@Override
	public byte @Nullable [] serialize(String topic, @Nullable Object data) {
		return (data instanceof Raw raw) ? raw.bytes() : delegate().serialize(topic, data);
	}

	@Override
	public byte @Nullable [] serialize(String topic, Headers headers, @Nullable Object data) {
		return (data instanceof Raw raw) ? raw.bytes() : delegate().serialize(topic, headers, data);
	}

	private Serializer<Object> delegate() {
		Serializer<Object> serializer = this.delegate;
		if (serializer == null) {
			throw new IllegalStateException("Serializer not configured");
		}
		return serializer;
	}

	@Override
	public void close() {
		Serializer<Object> serializer = this.delegate;
		if (serializer != null) {
			serializer.close();
		}
	}

	/**
	 * Bytes the library wrote itself, passed on as they are.
	 *
	 * @param bytes the bytes
	 */
	record Raw(byte @Nullable [] bytes) {

	}

}
