package dev.requestreply.convert;

import dev.requestreply.RequestReplyException;

/**
 * A payload could not be converted to or from record bytes.
 *
 * @since 0.1.0
 */
public class PayloadConversionException extends RequestReplyException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message the detail message
	 * @param cause the cause
	 */
	public PayloadConversionException(String message, Throwable cause) {
		super(message, cause);
	}

	private PayloadConversionException(PayloadConversionException original) {
		super(original.getMessage(), original, true);
	}

	@Override
	protected PayloadConversionException copyForCaller() {
		return new PayloadConversionException(this);
	}

}
