package dev.requestreply.wire;

/**
 * A request names no place for its reply (no reply topic or no usable correlation id), so no
 * reply, not even an error reply, can be sent.
 *
 * @since 0.2.0
 */
public class UnaddressableRequestException extends WireFormatException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message what is missing
	 */
	public UnaddressableRequestException(String message) {
		super(message);
	}

}
