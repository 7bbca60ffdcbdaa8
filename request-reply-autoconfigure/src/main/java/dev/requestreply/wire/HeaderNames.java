package dev.requestreply.wire;

import org.springframework.util.Assert;

/**
 * The names of the headers a request is addressed by: the only ones the wire format shares with
 * Spring Kafka's {@code ReplyingKafkaTemplate}, and so the ones a requester or a responder may one
 * day have to name otherwise. {@link #DEFAULT} holds Spring Kafka's names; the codec of a
 * {@link WireFormat} reads and writes whatever names it was given.
 *
 * @param correlationId the header of the correlation id
 * @param replyTopic the header of the reply topic
 * @param replyPartition the header of the reply partition
 * @since 0.4.0
 */
public record HeaderNames(String correlationId, String replyTopic, String replyPartition) {

	/**
	 * Spring Kafka's names: {@link RequestReplyHeaders#CORRELATION_ID},
	 * {@link RequestReplyHeaders#REPLY_TOPIC}, {@link RequestReplyHeaders#REPLY_PARTITION}.
	 */
	public static final HeaderNames DEFAULT = new HeaderNames(RequestReplyHeaders.CORRELATION_ID,
			RequestReplyHeaders.REPLY_TOPIC, RequestReplyHeaders.REPLY_PARTITION);

	/**
	 * Check the names: none empty, all different.
	 * @param correlationId the header of the correlation id
	 * @param replyTopic the header of the reply topic
	 * @param replyPartition the header of the reply partition
	 */
	public HeaderNames {
		Assert.hasText(correlationId, "The correlation id header name must not be empty");
		Assert.hasText(replyTopic, "The reply topic header name must not be empty");
		Assert.hasText(replyPartition, "The reply partition header name must not be empty");
		Assert.isTrue(!correlationId.equals(replyTopic) && !correlationId.equals(replyPartition)
				&& !replyTopic.equals(replyPartition), () -> "Header names must differ: " + correlationId + ", "
						+ replyTopic + ", " + replyPartition);
	}

	/**
	 * Return whether a header name is one of these.
	 * @param name a header name
	 * @return whether it names the correlation id, the reply topic or the reply partition
	 */
	public boolean names(String name) {
		return name.equals(this.correlationId) || name.equals(this.replyTopic) || name.equals(this.replyPartition);
	}

}
