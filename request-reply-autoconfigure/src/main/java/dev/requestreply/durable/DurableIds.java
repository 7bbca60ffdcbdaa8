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

	private DurableIds() {
	}

	static String newId() {
		return UUID.randomUUID().toString();
	}

	static byte[] key(String id) {
		return id.getBytes(StandardCharsets.UTF_8);
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
