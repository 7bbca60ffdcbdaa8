package dev.requestreply;

/**
 * A streaming reply's subscriber fell behind: more elements arrived than it asked for and
 * {@code request-reply.stream-buffer} holds. Kafka cannot slow the responder down, so the stream
 * fails with this exception and its request is cancelled, rather than buffering without bound: a
 * cancel record tells the responder to stop, and the request counts as cancelled (and in the
 * endpoint's {@code streamOverflows}).
 *
 * @since 0.2.0
 */
public class StreamOverflowException extends RequestReplyException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param topic the topic the request was sent to
	 * @param buffered the number of elements buffered, the limit
	 */
	public StreamOverflowException(String topic, int buffered) {
		super("Stream reply from topic '" + topic + "' overflowed: " + buffered + " element(s) buffered for a"
				+ " subscriber that did not request them (request-reply.stream-buffer); stream cancelled", null,
				false);
	}

}
