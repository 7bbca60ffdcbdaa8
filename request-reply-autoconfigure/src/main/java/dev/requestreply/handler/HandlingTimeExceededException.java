package dev.requestreply.handler;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;

/**
 * A request without a deadline was still in hand when its handler's max handling time
 * ({@code request-reply.handler.max-handling-time}, or the handler's own) ran out: it is ended
 * with an error reply of code {@code DEADLINE_EXCEEDED}, so that its requester, which set no
 * deadline, still learns that no reply will come.
 *
 * @since 0.3.0
 */
@ReplyErrorCode(ReplyErrorCodes.DEADLINE_EXCEEDED)
public class HandlingTimeExceededException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public HandlingTimeExceededException(String message) {
		super(message);
	}

}
