package dev.requestreply;

/**
 * No consumer group with a live member reads the topic a request was sent to, so nobody would
 * answer it: raised at once instead of waiting for the request's timeout, when
 * {@code request-reply.fail-fast-without-responders} is on. The request was not sent.
 *
 * @since 0.2.0
 */
public class NoResponderException extends RequestReplyException {

	private static final long serialVersionUID = 1L;

	private final String topic;

	/**
	 * Create a new instance.
	 * @param topic the topic nobody reads
	 */
	public NoResponderException(String topic) {
		super("No responder for topic '" + topic + "': no consumer group with a live member reads it"
				+ " (request-reply.fail-fast-without-responders is on); request not sent", null, false);
		this.topic = topic;
	}

	private NoResponderException(NoResponderException original) {
		super(original.getMessage(), original, true);
		this.topic = original.topic;
	}

	@Override
	protected NoResponderException copyForCaller() {
		return new NoResponderException(this);
	}

	/**
	 * Return the topic nobody reads.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

}
