package dev.requestreply;

import org.jspecify.annotations.Nullable;

/**
 * The remote handler failed: the reply was an error reply, carrying the remote failure's class
 * name and message in the {@code rr_error_type} and {@code rr_error_message} headers, and its
 * error code in {@code rr_error_code}.
 *
 * @since 0.1.0
 */
public class RemoteHandlerException extends RequestReplyException {

	private static final long serialVersionUID = 1L;

	/**
	 * Fully qualified class name of the remote failure.
	 */
	private final String errorType;

	/**
	 * Message of the remote failure, may be {@code null}.
	 */
	private final @Nullable String remoteMessage;

	private final String errorCode;

	/**
	 * Create a new instance.
	 * @param topic the topic the request was sent to
	 * @param errorType the fully qualified class name of the remote failure
	 * @param remoteMessage the message of the remote failure, may be {@code null}
	 */
	public RemoteHandlerException(String topic, String errorType, String remoteMessage) {
		this(topic, errorType, remoteMessage, null);
	}

	/**
	 * Create a new instance.
	 * @param topic the topic the request was sent to
	 * @param errorType the fully qualified class name of the remote failure
	 * @param remoteMessage the message of the remote failure, may be {@code null}
	 * @param errorCode the error code of the reply, or {@code null} for
	 * {@link ReplyErrorCodes#UNKNOWN}
	 * @since 0.2.0
	 */
	public RemoteHandlerException(String topic, String errorType, @Nullable String remoteMessage,
			@Nullable String errorCode) {
		super("Handler of topic '" + topic + "' failed with " + errorType
				+ ((remoteMessage != null) ? ": " + remoteMessage : ""), null, false);
		this.errorType = errorType;
		this.remoteMessage = remoteMessage;
		this.errorCode = (errorCode != null) ? errorCode : ReplyErrorCodes.UNKNOWN;
	}

	private RemoteHandlerException(RemoteHandlerException original) {
		super(original.getMessage(), original, true);
		this.errorType = original.errorType;
		this.remoteMessage = original.remoteMessage;
		this.errorCode = original.errorCode;
	}

	@Override
	protected RemoteHandlerException copyForCaller() {
		return new RemoteHandlerException(this);
	}

	/**
	 * Return the fully qualified class name of the remote failure.
	 * @return the remote exception's class name
	 */
	public String getErrorType() {
		return this.errorType;
	}

	/**
	 * Return the message of the remote failure.
	 * @return the remote message, or {@code null} if it had none
	 */
	public @Nullable String getRemoteMessage() {
		return this.remoteMessage;
	}

	/**
	 * Return the error code of the reply: one of {@link ReplyErrorCodes}.
	 * @return the code, {@link ReplyErrorCodes#UNKNOWN} when the reply named none
	 * @since 0.2.0
	 */
	public String getErrorCode() {
		return this.errorCode;
	}

	/**
	 * Return whether the same request may succeed if sent again, by its
	 * {@link #getErrorCode() error code} (see {@link ReplyErrorCodes#isRetryable(String)}).
	 * @return whether a retry may succeed
	 * @since 0.2.0
	 */
	public boolean isRetryable() {
		return ReplyErrorCodes.isRetryable(this.errorCode);
	}

}
