package dev.requestreply;

import org.jspecify.annotations.Nullable;

/**
 * Base class of every failure of a request: the type of send failures, shutdown, cancellation,
 * back-pressure and conversion failures, and the base of {@link RequestTimeoutException} and
 * {@link RemoteHandlerException}.
 *
 * @since 0.1.0
 */
public class RequestReplyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public RequestReplyException(String message) {
		super(message);
	}

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause
	 */
	public RequestReplyException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/**
	 * Create a new instance, optionally without a stack trace (for failures raised on an internal
	 * thread, where the stack says nothing about the caller).
	 * @param message the detail message
	 * @param cause the cause, may be {@code null}
	 * @param writableStackTrace whether the stack trace is filled in
	 */
	protected RequestReplyException(@Nullable String message, @Nullable Throwable cause, boolean writableStackTrace) {
		super(message, cause, true, writableStackTrace);
	}

	/**
	 * Return a copy of this exception for an API that rethrows it to its caller on another thread
	 * than the one that made it (the suspending extensions of the Kotlin requester): the same type
	 * and details, this exception as its cause, and a stack trace that can be set. Subclasses with
	 * details of their own override it; for any other subclass this exception itself is returned,
	 * so that its type never changes.
	 * @return the copy, or this exception
	 * @since 0.4.0
	 */
	protected RequestReplyException copyForCaller() {
		return (getClass() == RequestReplyException.class) ? new RequestReplyException(getMessage(), this, true) : this;
	}

}
