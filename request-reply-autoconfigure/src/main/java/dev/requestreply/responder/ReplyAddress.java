package dev.requestreply.responder;

import dev.requestreply.handler.HandlerCallContext;
import dev.requestreply.wire.RequestHeaders;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the reply to one request goes, and what the figures of its handling need.
 *
 * @param request the request-reply headers of the request (reply topic, partition, correlation
 * id, instance, stream)
 * @param key the request's key, sent back as the reply's key, or {@code null} for none
 * @param requestTopic the topic the request was read from
 * @param startNanos when the request was read
 * @param context the call's context (headers the handler added to its reply), or {@code null}
 * when the request could not be read far enough for one
 */
record ReplyAddress(RequestHeaders request, byte @Nullable [] key, String requestTopic, long startNanos,
		@Nullable HandlerCallContext context) {

	String topic() {
		return this.request.replyTopic();
	}

	boolean stream() {
		return this.request.stream();
	}

	ReplyAddress withoutPartition() {
		return new ReplyAddress(this.request.withReplyPartition(null), this.key, this.requestTopic, this.startNanos,
				this.context);
	}

}
