package dev.requestreply.wire;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The request-reply headers of one request: where its reply goes and how long it is wanted.
 *
 * @param correlationId the correlation id, echoed unchanged on the reply
 * @param replyTopic the topic the reply goes to
 * @param replyPartition the partition the reply goes to, or {@code null} for the producer's choice
 * @param deadlineMillis the absolute deadline in epoch milliseconds, or {@link #NO_DEADLINE}
 * @param instance the requesting instance's id, echoed on the reply, or {@code null}
 * @param stream whether the requester wants a stream of replies
 * @since 0.2.0
 */
public record RequestHeaders(byte[] correlationId, String replyTopic, @Nullable Integer replyPartition,
		long deadlineMillis,
		byte @Nullable [] instance, boolean stream) {

	/**
	 * The deadline of a request that names none.
	 */
	public static final long NO_DEADLINE = Long.MAX_VALUE;

	/**
	 * Create a new instance.
	 * @param correlationId the correlation id
	 * @param replyTopic the reply topic
	 * @param replyPartition the reply partition, or {@code null}
	 * @param deadlineMillis the deadline, or {@link #NO_DEADLINE}
	 * @param instance the requesting instance's id, or {@code null}
	 * @param stream whether a stream of replies is wanted
	 */
	public RequestHeaders {
		Assert.isTrue(correlationId != null && correlationId.length > 0, "'correlationId' must not be empty");
		Assert.hasText(replyTopic, "'replyTopic' must not be empty");
	}

	/**
	 * Return these headers with another reply partition.
	 * @param partition the reply partition, or {@code null} for the producer's choice
	 * @return new headers
	 */
	public RequestHeaders withReplyPartition(@Nullable Integer partition) {
		return new RequestHeaders(this.correlationId, this.replyTopic, partition, this.deadlineMillis, this.instance,
				this.stream);
	}

	/**
	 * Return whether the deadline has passed.
	 * @param nowMillis the current time in epoch milliseconds
	 * @return whether the request expired
	 */
	public boolean expiredAt(long nowMillis) {
		return nowMillis > this.deadlineMillis;
	}

	@Override
	public String toString() {
		return "RequestHeaders[replyTopic=" + this.replyTopic + ", replyPartition=" + this.replyPartition
				+ ", deadline=" + this.deadlineMillis + ", instance="
				+ ((this.instance != null) ? new String(this.instance, StandardCharsets.UTF_8) : null) + ", stream="
				+ this.stream + "]";
	}

}
