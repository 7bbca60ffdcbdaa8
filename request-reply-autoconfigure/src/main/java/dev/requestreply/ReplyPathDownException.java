package dev.requestreply;

/**
 * The reply consumer cannot read the reply topic (it stopped, or has had no answer from the
 * broker for longer than {@code request-reply.reply-path-timeout}), so no reply could arrive:
 * the request is refused at once and not sent. Requests are accepted again as soon as the reply
 * consumer reads again.
 *
 * @since 0.2.0
 */
public class ReplyPathDownException extends RequestReplyException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param replyTopic the reply topic that cannot be read
	 * @param reason why it cannot be read
	 */
	public ReplyPathDownException(String replyTopic, String reason) {
		super("Reply path down: the reply consumer of '" + replyTopic + "' " + reason + "; request not sent", null,
				false);
	}

	private ReplyPathDownException(ReplyPathDownException original) {
		super(original.getMessage(), original, true);
	}

	@Override
	protected ReplyPathDownException copyForCaller() {
		return new ReplyPathDownException(this);
	}

}
