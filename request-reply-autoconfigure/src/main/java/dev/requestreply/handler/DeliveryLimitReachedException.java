package dev.requestreply.handler;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;

/**
 * A request read in a share group (queue mode) came on the last delivery its group allows
 * ({@code group.share.delivery.count.limit} of the broker), every earlier one having ended without
 * a reply (its responder stopped or died while handling it): it is answered with an error reply of
 * code {@code ABORTED} instead of running the handler again, so that a request that kills its
 * responder cannot go round the instances for ever.
 *
 * @since 0.3.0
 */
@ReplyErrorCode(ReplyErrorCodes.ABORTED)
public class DeliveryLimitReachedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public DeliveryLimitReachedException(String message) {
		super(message);
	}

}
