package dev.requestreply.requester;

import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.ShortSerializer;
import org.jspecify.annotations.Nullable;

/**
 * How the key of a request record is written.
 *
 * @since 0.4.0
 */
public enum KeyFormat {

	/**
	 * As a payload: {@code String} as UTF-8, {@code byte[]} as is, anything else as JSON (an
	 * {@code Integer} 1 is the text {@code 1}). The default, so that keys keep their partitions.
	 */
	JSON,

	/**
	 * {@code Integer}, {@code Long} and {@code Short} keys as Kafka's {@code IntegerSerializer},
	 * {@code LongSerializer} and {@code ShortSerializer} write them (big-endian, 4, 8 and 2 bytes),
	 * as a {@code @KafkaListener} with the matching key deserializer reads them; any other key as
	 * with {@link #JSON}. Moving to it moves the partition of such keys: the requests of one key
	 * sent before and after the move may be handled out of order.
	 */
	KAFKA;

	/**
	 * Return the bytes of a key.
	 * @param key the key
	 * @param converter the payload converter, for keys written as payloads
	 * @return the bytes, or {@code null} for no key
	 */
	byte @Nullable [] toBytes(@Nullable Object key, PayloadConverter converter) {
		if (this == KAFKA) {
			if (key instanceof Integer number) {
				return new IntegerSerializer().serialize(null, number);
			}
			if (key instanceof Long number) {
				return new LongSerializer().serialize(null, number);
			}
			if (key instanceof Short number) {
				return new ShortSerializer().serialize(null, number);
			}
		}
		return converter.toBytes(key);
	}

}
