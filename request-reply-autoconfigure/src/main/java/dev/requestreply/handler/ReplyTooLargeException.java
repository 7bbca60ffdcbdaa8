package dev.requestreply.handler;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;

/**
 * A handler's reply was larger than the responder's producer sends ({@code max.request.size}):
 * it is answered with an error reply of code {@code RESOURCE_EXHAUSTED} instead, checked before
 * anything is written (so that, with transactions, the other replies of its transaction still
 * commit). In a stream of replies, an element too large ends the stream with this error.
 *
 * @since 0.4.0
 */
@ReplyErrorCode(ReplyErrorCodes.RESOURCE_EXHAUSTED)
public class ReplyTooLargeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public ReplyTooLargeException(String message) {
		super(message);
	}

}
