package dev.requestreply.test;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What a {@link StubRequestReplyOperations} answers to one request: a value, an error reply, or
 * no reply at all, optionally after a delay. Immutable: {@link #after(Duration)},
 * {@link #withCode(String)}, {@link #withHeader(String, String)} and {@link #from(String)} return a
 * copy.
 *
 * @since 0.1.0
 */
public final class StubReply {

	private final Kind kind;

	private final @Nullable Object value;

	private final @Nullable String errorType;

	private final @Nullable String errorMessage;

	private final @Nullable String errorCode;

	private final Duration delay;

	private final @Nullable String responder;

	private final Map<String, String> headers;

	private StubReply(Kind kind, @Nullable Object value, @Nullable String errorType, @Nullable String errorMessage,
			@Nullable String errorCode,
			Duration delay, @Nullable String responder, Map<String, String> headers) {
		this.kind = kind;
		this.value = value;
		this.errorType = errorType;
		this.errorMessage = errorMessage;
		this.errorCode = errorCode;
		this.delay = delay;
		this.responder = responder;
		this.headers = headers;
	}

	/**
	 * Reply with a value. It reaches the caller as a real reply would: written as the wire
	 * payload ({@code String} as UTF-8, {@code byte[]} as is, anything else as JSON) and read back
	 * as the type the caller asks for, so a value of another type that has the same JSON works,
	 * and one that does not convert fails as it would against a real responder. For a stream
	 * request, a value that is an {@code Iterable}, array or {@code Stream} gives one element each.
	 * @param value the reply, may be {@code null}
	 * @return the reply
	 */
	public static StubReply value(Object value) {
		return new StubReply(Kind.VALUE, value, null, null, null, Duration.ZERO, null, Map.of());
	}

	/**
	 * Reply with an error, as a handler that threw an exception of the given type.
	 * @param errorType the fully qualified class name of the remote failure
	 * @param message the failure's message, may be {@code null}
	 * @return the reply
	 */
	public static StubReply error(String errorType, @Nullable String message) {
		Assert.hasText(errorType, "'errorType' must not be empty");
		return new StubReply(Kind.ERROR, null, errorType, message, null, Duration.ZERO, null, Map.of());
	}

	/**
	 * Reply with an error, as a handler that threw an exception of the given class.
	 * @param errorType the class of the remote failure
	 * @param message the failure's message, may be {@code null}
	 * @return the reply
	 */
	public static StubReply error(Class<? extends Throwable> errorType, @Nullable String message) {
		Assert.notNull(errorType, "'errorType' must not be null");
		return error(errorType.getName(), message);
	}

	/**
	 * Send no reply, so the request times out.
	 * @return the reply
	 */
	public static StubReply none() {
		return new StubReply(Kind.NONE, null, null, null, null, Duration.ZERO, null, Map.of());
	}

	/**
	 * Return a copy that arrives after the given delay. A delay not shorter than the request's
	 * timeout makes it time out.
	 * @param delay how long the responder takes
	 * @return the delayed reply
	 */
	public StubReply after(Duration delay) {
		Assert.isTrue(delay != null && !delay.isNegative(), "'delay' must not be negative");
		return new StubReply(this.kind, this.value, this.errorType, this.errorMessage, this.errorCode, delay,
				this.responder, this.headers);
	}

	/**
	 * Return a copy of this error reply with an error code, one of gRPC's canonical code names
	 * such as {@code NOT_FOUND}, as a responder would put on the wire.
	 * @param code the error code
	 * @return the error reply with that code
	 */
	public StubReply withCode(String code) {
		Assert.state(this.kind == Kind.ERROR, "Only an error reply has an error code");
		Assert.hasText(code, "'code' must not be empty");
		return new StubReply(this.kind, this.value, this.errorType, this.errorMessage, code, this.delay,
				this.responder, this.headers);
	}

	/**
	 * Return a copy that names its responder, as a scatter-gather reports it. Without one, the
	 * responder is the topic's name.
	 * @param responder the responder's name (a consumer group)
	 * @return the reply from that responder
	 */
	public StubReply from(String responder) {
		Assert.hasText(responder, "'responder' must not be empty");
		return new StubReply(this.kind, this.value, this.errorType, this.errorMessage, this.errorCode,
				this.delay, responder, this.headers);
	}

	/**
	 * Return a copy that carries a reply header, as a handler adds one with
	 * {@code ReplyContext.addReplyHeader}: an
	 * {@link StubRequestReplyOperations#exchange(org.apache.kafka.clients.producer.ProducerRecord, org.springframework.core.ParameterizedTypeReference, Duration)
	 * exchange} sees it in {@code Reply.headers()}.
	 * @param name the header name
	 * @param value the header value, sent as UTF-8
	 * @return the reply with that header
	 */
	public StubReply withHeader(String name, String value) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(value, "'value' must not be null");
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(name, value);
		return new StubReply(this.kind, this.value, this.errorType, this.errorMessage, this.errorCode, this.delay,
				this.responder, Collections.unmodifiableMap(headers));
	}

	Kind kind() {
		return this.kind;
	}

	@Nullable Object value() {
		return this.value;
	}

	@Nullable String errorType() {
		return this.errorType;
	}

	@Nullable String errorMessage() {
		return this.errorMessage;
	}

	/**
	 * Return the error code of this reply.
	 * @return the code, or {@code null} when none was given
	 */
	public @Nullable String errorCode() {
		return this.errorCode;
	}

	Duration delay() {
		return this.delay;
	}

	Map<String, String> headers() {
		return this.headers;
	}

	String responder(String topic) {
		return (this.responder != null) ? this.responder : topic;
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case VALUE -> "value " + this.value;
			case ERROR -> "error " + this.errorType + ((this.errorCode != null) ? " [" + this.errorCode + "]" : "")
					+ ": " + this.errorMessage;
			case NONE -> "no reply";
		} + (this.delay.isZero() ? "" : " after " + this.delay.toMillis() + " ms");
	}

	enum Kind {

		VALUE, ERROR, NONE

	}

}
