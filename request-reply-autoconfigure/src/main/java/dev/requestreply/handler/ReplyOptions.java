package dev.requestreply.handler;

import java.util.Objects;

import dev.requestreply.wire.HeaderNames;
import org.jspecify.annotations.Nullable;

/**
 * How the replies of a {@link dev.requestreply.ReplyHandler @ReplyHandler} are addressed and what
 * they carry besides the handler's own headers: set for one handler by its annotation, for all by
 * the {@code request-reply.handler.*} properties. A {@code null} setting is not set here, and
 * taken from the defaults ({@link #orElse(ReplyOptions)}).
 *
 * @param responderHeaders whether replies carry the library's own {@code rr_responder} header
 * (which names the responder in a scatter-gather); without it a reply carries the correlation
 * id, the handler's own headers and, on an error reply, the error headers
 * @param correlationIdHeader the name of the correlation id header of requests, their replies
 * and cancel records (Spring Kafka's {@code kafka_correlationId} when unset everywhere)
 * @param replyTopicHeader the name of the reply topic header of requests
 * ({@code kafka_replyTopic} when unset everywhere)
 * @param replyPartitionHeader the name of the reply partition header of requests
 * ({@code kafka_replyPartition} when unset everywhere)
 * @param replyTopic the topic every reply goes to, whatever the request names (and whether or not
 * it names one, or a reply partition), or {@code null} for the topic the request names
 * @since 0.4.0
 */
public record ReplyOptions(@Nullable Boolean responderHeaders, @Nullable String correlationIdHeader,
		@Nullable String replyTopicHeader, @Nullable String replyPartitionHeader, @Nullable String replyTopic) {

	/**
	 * Nothing set: every setting from the defaults.
	 */
	public static final ReplyOptions UNSET = new ReplyOptions(null, null, null, null, null);

	/**
	 * The defaults of every handler that sets nothing: replies carry {@code rr_responder}, headers
	 * have Spring Kafka's names.
	 */
	public static final ReplyOptions DEFAULTS = new ReplyOptions(true, HeaderNames.DEFAULT.correlationId(),
			HeaderNames.DEFAULT.replyTopic(), HeaderNames.DEFAULT.replyPartition(), null);

	/**
	 * Create options that set whether replies carry {@code rr_responder}, and no header name.
	 * @param responderHeaders whether replies carry {@code rr_responder}, or {@code null}
	 */
	public ReplyOptions(@Nullable Boolean responderHeaders) {
		this(responderHeaders, null, null, null, null);
	}

	/**
	 * Return these options, each one not set taken from the given defaults.
	 * @param defaults the defaults
	 * @return the options in effect
	 */
	public ReplyOptions orElse(ReplyOptions defaults) {
		return new ReplyOptions((this.responderHeaders != null) ? this.responderHeaders : defaults.responderHeaders,
				or(this.correlationIdHeader, defaults.correlationIdHeader),
				or(this.replyTopicHeader, defaults.replyTopicHeader),
				or(this.replyPartitionHeader, defaults.replyPartitionHeader), or(this.replyTopic, defaults.replyTopic));
	}

	private static @Nullable String or(@Nullable String value, @Nullable String fallback) {
		return (value != null) ? value : fallback;
	}

	/**
	 * Return whether replies carry the library's own responder header; unset counts as yes.
	 * @return whether replies carry {@code rr_responder}
	 */
	public boolean carriesResponderHeaders() {
		return !Boolean.FALSE.equals(this.responderHeaders);
	}

	/**
	 * Return the names of the addressing headers, Spring Kafka's for those not set.
	 * @return the header names
	 * @throws IllegalArgumentException if two names are the same
	 */
	public HeaderNames headerNames() {
		return new HeaderNames(Objects.requireNonNullElse(this.correlationIdHeader, HeaderNames.DEFAULT.correlationId()),
				Objects.requireNonNullElse(this.replyTopicHeader, HeaderNames.DEFAULT.replyTopic()),
				Objects.requireNonNullElse(this.replyPartitionHeader, HeaderNames.DEFAULT.replyPartition()));
	}

}
