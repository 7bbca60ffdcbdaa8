package dev.requestreply;

/**
 * A streaming reply held more elements than {@code request-reply.stream-buffer}: its subscriber
 * fell behind (more elements arrived than it asked for), or an element never arrived while that
 * many later ones did (they wait for it, to be delivered in order). Kafka cannot slow the
 * responder down, so the stream fails with this exception and its request is cancelled, rather
 * than buffering without bound: a cancel record tells the responder to stop, and the request
 * counts as cancelled (and in the endpoint's {@code streamOverflows}).
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

	/**
	 * Create a new instance for elements held out of order.
	 * @param topic the topic the request was sent to
	 * @param missing the sequence number of the element that never arrived
	 * @param held the number of later elements held, waiting for it: the limit
	 * @since 0.4.0
	 */
	public StreamOverflowException(String topic, long missing, int held) {
		super("Stream reply from topic '" + topic + "' overflowed: element " + missing + " never arrived while " + held
				+ " later element(s) did, as many as are held out of order (request-reply.stream-buffer); stream"
				+ " cancelled", null, false);
	}

	private StreamOverflowException(StreamOverflowException original) {
		super(original.getMessage(), original, true);
	}

	@Override
	protected StreamOverflowException copyForCaller() {
		return new StreamOverflowException(this);
	}

}
