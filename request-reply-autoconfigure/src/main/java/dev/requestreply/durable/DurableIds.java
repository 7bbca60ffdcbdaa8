package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import dev.requestreply.CorrelationId;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

/**
 * A durable request's id (a random UUID's text), its correlation id on the wire (that UUID's 16
 * bytes, which any responder echoes) and its partitions: Kafka's default partitioner of the id's
 * UTF-8 bytes, the same over the durable topics and the request topic.
 */
final class DurableIds {

	private static final String DELIVERY_SUFFIX = ":delivery";

	private DurableIds() {
	}

	static String newId() {
		return UUID.randomUUID().toString();
	}

	static byte[] key(String id) {
		return id.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The key of the delivery marker of a request on the pending topic: written before each call of
	 * its listener, so that a later owner knows a call began (a repeat) and counts it.
	 */
	static byte[] deliveryKey(String id) {
		return (id + DELIVERY_SUFFIX).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Return the request id of a delivery marker's key.
	 * @param key a key of the pending topic
	 * @return the id, or {@code null} when the key is no delivery marker's
	 */
	static @Nullable String ofDeliveryKey(String key) {
		return key.endsWith(DELIVERY_SUFFIX) ? key.substring(0, key.length() - DELIVERY_SUFFIX.length()) : null;
	}

	static byte[] correlationId(String id) {
		return CorrelationId.parse(id).toBytes();
	}

	static @Nullable String fromCorrelationId(byte @Nullable [] bytes) {
		CorrelationId id = (bytes != null) ? CorrelationId.fromBytes(bytes) : null;
		return (id != null) ? id.toString() : null;
	}

	static int partition(String id, int partitions) {
		return Utils.toPositive(Utils.murmur2(key(id))) % partitions;
	}

}
