package dev.requestreply;

/**
 * The remote handler failed: the reply was an error reply, carrying the remote failure's class
 * name and message in the {@code rr_error_type} and {@code rr_error_message} headers.
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
	private final String remoteMessage;

	/**
	 * Create a new instance.
	 * @param topic the topic the request was sent to
	 * @param errorType the fully qualified class name of the remote failure
	 * @param remoteMessage the message of the remote failure, may be {@code null}
	 */
	public RemoteHandlerException(String topic, String errorType, String remoteMessage) {
		super("Handler of topic '" + topic + "' failed with " + errorType
				+ ((remoteMessage != null) ? ": " + remoteMessage : ""), null, false);
		this.errorType = errorType;
		this.remoteMessage = remoteMessage;
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
	public String getRemoteMessage() {
		return this.remoteMessage;
	}

}
