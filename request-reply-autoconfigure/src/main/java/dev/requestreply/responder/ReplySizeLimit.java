package dev.requestreply.responder;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ProducerFactory;

/**
 * The largest reply record a handler's producer sends, and the size of a record as the producer
 * counts it against that limit. A reply over it fails in the producer, after the handler's work
 * is done: logged and lost without transactions, and with them it aborts every reply of its
 * transaction each time it is tried; so it is checked before it is written.
 */
final class ReplySizeLimit {

	/**
	 * Room left under the producer's limit for headers a template adds as it sends (trace
	 * context, when requests are observed).
	 */
	static final int HEADROOM = 512;

	// Kafka's producer defaults of max.request.size and buffer.memory.
	private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

	private static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

	// The framing of one record alone in a batch (format v2), at most: the batch's header, the
	// record's fixed fields, and a variable-length integer before each length.
	private static final int BATCH_OVERHEAD = 61;

	private static final int RECORD_OVERHEAD = 21;

	private static final int VARINT = 5;

	private final int maxBytes;

	ReplySizeLimit(int maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * Return the limit of the producers of a factory: the smaller of its {@code max.request.size}
	 * and {@code buffer.memory}, less the {@link #HEADROOM}.
	 */
	static ReplySizeLimit of(ProducerFactory<?, ?> factory) {
		Map<String, Object> config;
		try {
			config = factory.getConfigurationProperties();
		}
		catch (UnsupportedOperationException ex) {
			config = Map.of();
		}
		long limit = Math.min(number(config.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), DEFAULT_MAX_REQUEST_SIZE),
				number(config.get(ProducerConfig.BUFFER_MEMORY_CONFIG), DEFAULT_BUFFER_MEMORY));
		return new ReplySizeLimit((int) Math.max(0, Math.min(Integer.MAX_VALUE, limit - HEADROOM)));
	}

	private static long number(@Nullable Object value, long otherwise) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text && !text.isBlank()) {
			try {
				return Long.parseLong(text.trim());
			}
			catch (NumberFormatException ex) {
				return otherwise;
			}
		}
		return otherwise;
	}

	int maxBytes() {
		return this.maxBytes;
	}

	/**
	 * Return whether a record is larger than the producer sends.
	 */
	boolean exceeded(long size) {
		return size > this.maxBytes;
	}

	/**
	 * Return the size of a record as the producer counts it against its limit, at most (never
	 * less, by a few bytes more).
	 */
	static long sizeOf(byte @Nullable [] key, byte @Nullable [] value, Headers headers) {
		long size = BATCH_OVERHEAD + RECORD_OVERHEAD + 3 * VARINT + length(key) + length(value);
		for (Header header : headers) {
			size += 2 * VARINT + header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value());
		}
		return size;
	}

	private static int length(byte @Nullable [] bytes) {
		return (bytes != null) ? bytes.length : 0;
	}

}
