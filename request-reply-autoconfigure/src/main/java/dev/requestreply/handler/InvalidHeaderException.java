package dev.requestreply.handler;

/**
 * A request lacks a header that a handler's required
 * {@link org.springframework.messaging.handler.annotation.Header @Header} parameter names, or
 * the header does not convert to the parameter's type. Sent back as an error reply with the code
 * {@code INVALID_ARGUMENT}.
 *
 * @since 0.2.0
 */
public class InvalidHeaderException extends MalformedRequestException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 */
	public InvalidHeaderException(String message) {
		super(message);
	}

}
