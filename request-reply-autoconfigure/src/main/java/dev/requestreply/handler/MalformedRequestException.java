package dev.requestreply.handler;

import org.jspecify.annotations.Nullable;

/**
 * A request could not be read: its payload did not convert to the handler's parameter type, it
 * had no payload, or one of its request-reply headers was invalid. Sent back as an error reply, so
 * that the requester's {@link dev.requestreply.RemoteHandlerException#getErrorType()} names this
 * class.
 *
 * @since 0.1.0
 */
public class MalformedRequestException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public MalformedRequestException(@Nullable String message) {
		super(message);
	}

}
