package dev.requestreply.wire;

import org.jspecify.annotations.Nullable;

/**
 * A request names where its reply goes, but another of its request-reply headers is malformed:
 * the responder answers with an error reply to {@link #getAddress()}.
 *
 * @since 0.2.0
 */
public class MalformedHeaderException extends WireFormatException {

	private static final long serialVersionUID = 1L;

	private final transient RequestHeaders address;

	/**
	 * Create a new instance.
	 * @param message what is wrong, naming the header
	 * @param address where the error reply goes (without the malformed headers)
	 */
	public MalformedHeaderException(@Nullable String message, RequestHeaders address) {
		super(message);
		this.address = address;
	}

	/**
	 * Return where the error reply goes: correlation id, reply topic and instance, without
	 * partition or deadline.
	 * @return the address
	 */
	public RequestHeaders getAddress() {
		return this.address;
	}

}
