package dev.requestreply.requester;

import java.nio.ByteBuffer;

import dev.requestreply.RequestReplyException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Receives the replies of a request that has several: a stream of elements, or the replies of a
 * scatter-gather. Called on the reply consumer's thread, one reply at a time (so it must not run
 * the caller's code there), and on the completion executor when the request times out.
 */
interface ReplyCollector {

	/**
	 * Take one reply to the request; end it through the registry's {@code succeed} or {@code fail}
	 * once complete.
	 * @param request the pending request
	 * @param reply the reply record
	 */
	void onReply(PendingRequest<?> request, ConsumerRecord<?, ByteBuffer> reply);

	/**
	 * The request timed out and has left the registry, and its core decided that it completes with
	 * what arrived so far (a gather's partial result): complete it.
	 * @param request the pending request
	 */
	default void completeOnTimeout(PendingRequest<?> request) {
		throw new UnsupportedOperationException();
	}

	/**
	 * The failure a request that timed out ends with, when it was not completed with a partial
	 * result.
	 * @param request the pending request
	 * @return the failure
	 */
	RequestReplyException timeoutFailure(PendingRequest<?> request);

	/**
	 * Hand a stream element, now in order, to its subscriber (on the thread that read it).
	 * @param request the pending request
	 * @param sequence the element's position
	 */
	default void deliver(PendingRequest<?> request, long sequence) {
	}

	/**
	 * Test a gather's policy on the replies so far, on a completion thread.
	 * @param request the pending request
	 */
	default void testPolicy(PendingRequest<?> request) {
	}

	/**
	 * The request ended: drop what it holds.
	 */
	default void ended() {
	}

}
