package dev.requestreply;

import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A reply with its record metadata: the value converted to the requested type, and the reply
 * record's headers, key and position, as returned by
 * {@link RequestReplyOperations#exchange(org.apache.kafka.clients.producer.ProducerRecord, org.springframework.core.ParameterizedTypeReference, java.time.Duration)
 * exchange}.
 *
 * @param <T> the value type
 * @param value the reply converted to the requested type, or {@code null} for a reply without
 * value
 * @param headers the reply record's headers, all of them (the wire format's among them)
 * @param key the reply record's key bytes (a {@code @ReplyHandler} sends back the request's key),
 * or {@code null}
 * @param topic the topic the reply was read from
 * @param partition the partition the reply was read from
 * @param offset the offset of the reply
 * @since 0.2.0
 */
public record Reply<T>(@Nullable T value, Headers headers, byte @Nullable [] key, String topic, int partition,
		long offset) {

	/**
	 * Return one header of the reply as UTF-8 text.
	 * @param name the header name
	 * @return the last header of that name as text, or {@code null} if absent
	 */
	public @Nullable String header(String name) {
		org.apache.kafka.common.header.Header header = this.headers.lastHeader(name);
		return (header != null && header.value() != null)
				? new String(header.value(), java.nio.charset.StandardCharsets.UTF_8) : null;
	}

}
