package dev.requestreply.test;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import dev.requestreply.wire.RequestReplyHeaders;
import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A reply record as a handler sent it, read by {@link ReplyHandlerClient}.
 *
 * @since 0.1.0
 */
public final class WireReply {

	private final ConsumerRecord<byte[], byte[]> record;

	private final PayloadConverter converter;

	WireReply(ConsumerRecord<byte[], byte[]> record, PayloadConverter converter) {
		this.record = record;
		this.converter = converter;
	}

	/**
	 * Return the reply's value converted to a type, as the template converts replies.
	 * @param <T> the type
	 * @param type the type
	 * @return the value, or {@code null} for a reply without value (an error reply)
	 */
	public <T> @Nullable T value(Class<T> type) {
		return type.cast(value((Type) type));
	}

	/**
	 * Return the reply's value converted to a, possibly generic, type.
	 * @param type the type
	 * @return the value, or {@code null} for a reply without value
	 */
	public @Nullable Object value(Type type) {
		return this.converter.fromBytes(this.record.value(), type);
	}

	/**
	 * Return whether this is an error reply: one with an {@code rr_error_type} header.
	 * @return whether the handler failed
	 */
	public boolean isError() {
		return errorType() != null;
	}

	/**
	 * Return the class name of the handler's failure.
	 * @return the {@code rr_error_type} header, or {@code null} on a successful reply
	 */
	public @Nullable String errorType() {
		return header(RequestReplyHeaders.ERROR_TYPE);
	}

	/**
	 * Return the message of the handler's failure.
	 * @return the {@code rr_error_message} header, or {@code null}
	 */
	public @Nullable String errorMessage() {
		return header(RequestReplyHeaders.ERROR_MESSAGE);
	}

	/**
	 * Return a header of the reply as UTF-8 text (its last value).
	 * @param name the header's name
	 * @return the text, or {@code null} when the reply has no such header
	 */
	public @Nullable String header(String name) {
		Header header = this.record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	/**
	 * Return every header of the reply.
	 * @return the headers
	 */
	public Headers headers() {
		return this.record.headers();
	}

	/**
	 * Return the reply record as it was read.
	 * @return the record
	 */
	public ConsumerRecord<byte[], byte[]> record() {
		return this.record;
	}

	@Override
	public String toString() {
		return isError() ? "error reply " + errorType() + ": " + errorMessage()
				: "reply of " + ((this.record.value() != null) ? this.record.value().length : 0) + " bytes";
	}

}
