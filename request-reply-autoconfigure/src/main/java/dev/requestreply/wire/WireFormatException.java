package dev.requestreply.wire;

import org.jspecify.annotations.Nullable;

/**
 * A request-reply header of a record is missing or malformed.
 *
 * @since 0.2.0
 */
public class WireFormatException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new instance.
	 * @param message what is wrong, naming the header
	 */
	public WireFormatException(@Nullable String message) {
		super(message);
	}

}
